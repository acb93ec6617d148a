package smoke

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/pushstandin"
)

func TestSmokePassesAgainstAPushService(t *testing.T) {
	srv := pushstandin.Start()
	defer srv.Close()
	var out bytes.Buffer
	require.NoError(t, Run(context.Background(), Options{PushServerURL: srv.PushServerURL(), Out: &out}))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, len(Steps))
	for i, line := range lines {
		assert.Regexp(t, `^ok   `+Steps[i]+` +\d+ ms$`, line)
	}
	assert.Len(t, srv.Acked(), 1, "the notification was acknowledged")
}

func TestSmokeNamesTheStepThatFails(t *testing.T) {
	srv := pushstandin.Start()
	defer srv.Close()
	srv.DropNotifications = true
	var out bytes.Buffer
	err := Run(context.Background(), Options{PushServerURL: srv.PushServerURL(), Out: &out, StepTimeout: 2 * time.Second})
	var step *StepError
	require.True(t, errors.As(err, &step), "%v", err)
	assert.Equal(t, "receive", step.Step, "the server took the message and never delivered it")
	assert.Contains(t, out.String(), "ok   send")
	assert.Contains(t, out.String(), "FAIL receive")
	assert.NotContains(t, out.String(), "decrypt")

	err = Run(context.Background(), Options{PushServerURL: "ws://127.0.0.1:1/", Out: &out, StepTimeout: time.Second})
	require.True(t, errors.As(err, &step))
	assert.Equal(t, "connect", step.Step)
}
