package enginetest

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
	"github.com/push-turnkey/push-turnkey/testing/fakecwlogs"
)

// apiListening is the line the Messages API writes once it serves
// (services/cmd/messages-api/main.go, slog's JSON handler; its test checks
// the program's pattern against its real output).
const apiListening = `{"time":"2026-12-07T11:00:30Z","level":"INFO","msg":"listening","addr":":8080"}`

// accountLogs is CloudWatch Logs as the fake account would have it: each
// of its log groups, and in each, for every instance the account runs, a
// stream of the instance's ID where the API wrote apiListening, unless
// silent (an API that never serves). It records the instances asked about.
type accountLogs struct {
	e *engine

	mu     sync.Mutex
	silent bool
	asked  []string
}

func (a *accountLogs) silence(on bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.silent = on
}

func (a *accountLogs) instancesAsked() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.asked...)
}

// FilterLogEvents answers from the account as it is now, through
// fakecwlogs, which applies the request's rules and filter pattern.
func (a *accountLogs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	a.mu.Lock()
	a.asked = append(a.asked, in.LogStreamNames...)
	silent := a.silent
	a.mu.Unlock()
	w, err := fakeaws.Load(a.e.state)
	if err != nil {
		return nil, err
	}
	logs := &fakecwlogs.Logs{}
	for _, g := range w.OfType("aws:cloudwatch/logGroup:LogGroup") {
		logs.AddGroup(g.Name)
		if silent {
			continue
		}
		for _, i := range w.OfType("aws:ec2/instance:Instance") {
			if err := logs.Put(g.Name, i.ID, apiListening); err != nil {
				return nil, err
			}
		}
	}
	return logs.FilterLogEvents(ctx, in, opts...)
}

// TestUpFailsWhenTheAPINeverServes: a new Messages API instance whose API
// never writes "listening" fails `pulumi up` once the wait's time is
// spent, saying where to look. The instance stays in the stack: a later
// up makes what the failure left out and keeps the instance (its create,
// and so its wait, is done).
func TestUpFailsWhenTheAPINeverServes(t *testing.T) {
	e := newEngine(t)
	e.apiLogs.silence(true)
	s := e.stack(t, "dev")
	setConfig(t, s, map[string]string{"push-turnkey:processor": "true"})
	_, err := s.Up(context.Background())
	require.Error(t, err)
	for _, want := range []string{"did not serve within", "aws logs tail /push-turnkey/push-dev/messages-api --log-stream-names push-processor-api-",
		"sudo journalctl -u messages-api -b"} {
		assert.ErrorContains(t, err, want)
	}
	instances := e.world(t).OfType("aws:ec2/instance:Instance")
	require.Len(t, instances, 1)
	assert.Contains(t, e.apiLogs.instancesAsked(), instances[0].ID, "the hook asked about the new instance")
	e.apiLogs.silence(false)
	up(t, s)
	again := e.world(t).OfType("aws:ec2/instance:Instance")
	require.Len(t, again, 1)
	assert.Equal(t, instances[0].Created, again[0].Created, "the same instance")
	expectNoChanges(t, s)
}
