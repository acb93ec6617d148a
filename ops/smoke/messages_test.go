package smoke

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/messagesapi"
	"github.com/push-turnkey/push-turnkey/services/pushlog"
	"github.com/push-turnkey/push-turnkey/testing/pushstandin"
	"github.com/push-turnkey/push-turnkey/testing/testservers"
)

var env testservers.Env

func TestMain(m *testing.M) { os.Exit(testservers.Run(m, &env)) }

// TestSmokeFindsTheMessageInTheMessagesAPI: the real Messages API on a
// real store (Redis, dynalite); the stand-in push service hands each
// delivery to a stand-in for the processor, which keeps it under the key
// as the processor would (reference: processor-and-messages-api.md: the
// key as the sender's header carries it, the message_id, which is the
// notification's version). With lose set, the processor drops deliveries
// and the smoke fails at find-message.
func TestSmokeFindsTheMessageInTheMessagesAPI(t *testing.T) {
	for name, lose := range map[string]bool{"kept": false, "lost": true} {
		t.Run(name, func(t *testing.T) { smokeWithAPI(t, lose) })
	}
}

func smokeWithAPI(t *testing.T, lose bool) {
	store := env.Store(t)
	api := httptest.NewServer(messagesapi.New(store, messagesapi.Version{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	push := pushstandin.Start()
	push.OnDelivery = func(key, version string, size int) {
		if lose {
			return
		}
		// The processor keeps it under the key as the sender wrote it.
		// (assert: this runs on the server's goroutine.)
		assert.NoError(t, store.Push(context.Background(), key,
			[]pushlog.Entry{{ID: version, Timestamp: float64(time.Now().Unix()), Size: int64(size), TTL: 60}}))
	}
	var out bytes.Buffer
	err := Run(context.Background(), Options{PushServerURL: push.PushServerURL(), MessagesAPIURL: api.URL, Out: &out,
		MessagesTimeout: 2 * time.Second, PollInterval: 50 * time.Millisecond})
	push.Close()
	api.Close()
	if lose {
		var step *StepError
		require.True(t, errors.As(err, &step), "%v", err)
		assert.Equal(t, "find-message", step.Step)
		return
	}
	require.NoError(t, err, out.String())
	var steps []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		steps = append(steps, strings.Fields(line)[1])
	}
	assert.Equal(t, append(append([]string{"register-key"}, Steps...), "find-message", "delete-key"), steps)
	keys, err := store.RegisteredKeys(context.Background())
	require.NoError(t, err)
	assert.Empty(t, keys, "the smoke removes its key")
}
