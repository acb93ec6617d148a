package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/components"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/testing/cwlogs"
	"github.com/push-turnkey/push-turnkey/testing/syncbuffer"
	"github.com/push-turnkey/push-turnkey/testing/testservers"
)

var env testservers.Env

func TestMain(m *testing.M) {
	if file := os.Getenv(checkRootsEnv); file != "" {
		os.Exit(checkRoots(file)) // a child of TestFallbackRootsWithoutSystemRoots
	}
	os.Exit(testservers.Run(m, &env))
}

// TestServesAndShutsDownOnSIGTERM runs the binary's main loop against the
// test servers, then sends the process SIGTERM: run must stop cleanly.
func TestServesAndShutsDownOnSIGTERM(t *testing.T) {
	store := env.Store(t)
	require.NoError(t, store.Register(context.Background(), "K"))
	require.NoError(t, store.Redis.FlushAll(context.Background()).Err())

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("\n"), 0o600))
	for k, v := range map[string]string{
		"LISTEN_ADDR": addr, "REDIS_ADDRESS": env.Redis.Addr, "REDIS_TLS": "false",
		"REDIS_AUTH_TOKEN_FILE": tokenFile, "MESSAGES_TABLE": store.Table,
		"AWS_ENDPOINT_URL_DYNAMODB": "http://" + env.Dynalite.Addr, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_EC2_METADATA_DISABLED": "true",
		"RECONCILE_INTERVAL": "200ms",
	} {
		t.Setenv(k, v)
	}

	var logs syncbuffer.Buffer
	done := make(chan error, 1)
	go func() { done <- run(slog.New(slog.NewJSONHandler(&logs, nil))) }() // as main logs
	var resp *http.Response
	require.Eventually(t, func() bool {
		resp, err = http.Get("http://" + addr + "/__heartbeat__")
		return err == nil
	}, 10*time.Second, 20*time.Millisecond)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, []string{"listening"}, servingLines(t, logs.String()),
		"the one line pulumi up's wait takes for serving (components.APIServingPattern)")
	assert.True(t, store.Redis.HExists(context.Background(), pushmessages.RegisteredKeysHash, "K").Val(),
		"Redis is refilled from DynamoDB at start")
	// A key Redis lost while running (a failed write between the table's
	// and Redis's) comes back by the periodic reconcile.
	require.NoError(t, store.Redis.HDel(context.Background(), pushmessages.RegisteredKeysHash, "K").Err())
	assert.Eventually(t, func() bool {
		return store.Redis.HExists(context.Background(), pushmessages.RegisteredKeysHash, "K").Val()
	}, 5*time.Second, 50*time.Millisecond, "the running API reconciles Redis with the table")

	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(25 * time.Second):
		t.Fatal("run did not return after SIGTERM")
	}
}

// TestAStopIsTheLineTheWaitReports: the line main writes when run fails
// is the one pulumi up's wait reports.
func TestAStopIsTheLineTheWaitReports(t *testing.T) {
	var logs syncbuffer.Buffer
	t.Setenv("MESSAGES_TABLE", "")
	stopped(slog.New(slog.NewJSONHandler(&logs, nil)), run(slog.New(slog.NewJSONHandler(&logs, nil))))
	assert.Equal(t, []string{"messages-api stopped"}, servingLines(t, logs.String()))
	assert.Contains(t, logs.String(), `"error":"MESSAGES_TABLE and REDIS_ADDRESS must be set"`)
}

// servingLines are the msg of each line of logs that APIServingPattern
// matches, as CloudWatch Logs applies it.
func servingLines(t *testing.T, logs string) []string {
	t.Helper()
	var msgs []string
	for line := range strings.SplitSeq(strings.TrimSpace(logs), "\n") {
		ok, err := cwlogs.MatchJSON(components.APIServingPattern, []byte(line))
		require.NoError(t, err)
		if ok {
			var l struct{ Msg string }
			require.NoError(t, json.Unmarshal([]byte(line), &l))
			msgs = append(msgs, l.Msg)
		}
	}
	return msgs
}

func TestRefusesToStartWithoutSettings(t *testing.T) {
	t.Setenv("MESSAGES_TABLE", "")
	err := run(slog.New(slog.NewTextHandler(io.Discard, nil)))
	assert.ErrorContains(t, err, "MESSAGES_TABLE and REDIS_ADDRESS must be set")

	t.Setenv("MESSAGES_TABLE", "t")
	t.Setenv("REDIS_ADDRESS", "localhost:6379")
	t.Setenv("RECONCILE_INTERVAL", "0s")
	err = run(slog.New(slog.NewTextHandler(io.Discard, nil)))
	assert.ErrorContains(t, err, `RECONCILE_INTERVAL "0s" is not a positive duration`)
}

// TestAlarmNamesAreCommaSeparated: the names the boot script passes, with
// stray spaces and empty entries skipped.
func TestAlarmNamesAreCommaSeparated(t *testing.T) {
	t.Setenv("PIPELINE_ALARMS", "push-prod-processor-errors, push-prod-log-stream-silent,,")
	assert.Equal(t, []string{"push-prod-processor-errors", "push-prod-log-stream-silent"}, alarmNames("PIPELINE_ALARMS"))
	t.Setenv("PIPELINE_ALARMS", "")
	assert.Empty(t, alarmNames("PIPELINE_ALARMS"))
}
