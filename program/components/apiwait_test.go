package components_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/components"
	"github.com/push-turnkey/push-turnkey/testing/fakecwlogs"
)

// Lines the Messages API writes (services/cmd/messages-api/main.go: slog's
// JSON handler; "listening" once it serves, "messages-api stopped" when
// run fails; its test checks APIServingPattern against its real output).
const (
	refillLine    = `{"time":"2026-12-07T11:00:01Z","level":"WARN","msg":"could not refill redis at start; will retry on demand","error":"dial tcp: i/o timeout"}`
	stoppedLine   = `{"time":"2026-12-07T11:00:02Z","level":"ERROR","msg":"messages-api stopped","error":"read redis auth token: open /run/messages-api/redis-token: no such file or directory"}`
	listeningLine = `{"time":"2026-12-07T11:00:30Z","level":"INFO","msg":"listening","addr":":8080"}`
)

const apiGroup = "/push-turnkey/push-test/messages-api"

// TestAPIWaitEndsWhenTheAPIServes: the stream is not there at first, then
// holds other lines and a failed start (systemd starts it again), then
// "listening": the wait ends, having read every page.
func TestAPIWaitEndsWhenTheAPIServes(t *testing.T) {
	logs := &fakecwlogs.Logs{PageSize: 1}
	logs.AddGroup(apiGroup)
	w := components.APIWait{Logs: logs, Poll: time.Millisecond, Timeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- w.Wait(context.Background(), apiGroup, "i-0api") }()
	time.Sleep(20 * time.Millisecond)
	require.Greater(t, logs.Calls(), 1, "asked again while the stream was not there")
	for _, line := range []string{refillLine, stoppedLine, refillLine} {
		require.NoError(t, logs.Put(apiGroup, "i-0api", line))
	}
	require.NoError(t, logs.Put(apiGroup, "i-0other", listeningLine))
	time.Sleep(20 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("ended before the API served: %v", err)
	default:
	}
	require.NoError(t, logs.Put(apiGroup, "i-0api", listeningLine))
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("still waiting after the API served")
	}
}

// TestAPIWaitSaysWhyAndWhereToLook: an API that never serves is an error
// after Timeout with its last failure and the commands to look further.
func TestAPIWaitSaysWhyAndWhereToLook(t *testing.T) {
	logs := &fakecwlogs.Logs{}
	logs.AddGroup(apiGroup)
	require.NoError(t, logs.Put(apiGroup, "i-0api", stoppedLine))
	err := components.APIWait{Logs: logs, Poll: time.Millisecond, Timeout: 50 * time.Millisecond}.Wait(context.Background(), apiGroup, "i-0api")
	require.Error(t, err)
	assert.NotErrorIs(t, err, components.ErrCannotWatchAPI)
	for _, want := range []string{
		"the Messages API on i-0api did not serve within 50ms",
		"it stopped with: read redis auth token: open /run/messages-api/redis-token: no such file or directory",
		"aws logs tail " + apiGroup + " --log-stream-names i-0api",
		"aws ssm start-session --target i-0api, then sudo journalctl -u messages-api -b",
	} {
		assert.ErrorContains(t, err, want)
	}
}

// TestAPIWaitThatCannotLookIsNoFailure: a refused look-up (no
// logs:FilterLogEvents) is ErrCannotWatchAPI, which the hook turns into a
// warning.
func TestAPIWaitThatCannotLookIsNoFailure(t *testing.T) {
	refused := &fakecwlogs.Logs{Fail: &smithy.GenericAPIError{Code: "AccessDeniedException",
		Message: "User is not authorized to perform: logs:FilterLogEvents"}}
	err := components.APIWait{Logs: refused, Poll: time.Millisecond, Timeout: time.Second}.Wait(context.Background(), apiGroup, "i-0api")
	require.ErrorIs(t, err, components.ErrCannotWatchAPI)
	assert.ErrorContains(t, err, "logs:FilterLogEvents")
}
