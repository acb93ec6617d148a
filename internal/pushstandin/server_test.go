package pushstandin

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/SherClockHolmes/webpush-go"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// register opens a websocket, says hello and registers a channel; it
// returns the endpoint.
func register(t *testing.T, s *Server) string {
	t.Helper()
	ctx := context.Background()
	conn, _, err := websocket.Dial(ctx, s.PushServerURL(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { conn.CloseNow() })
	var reply message
	require.NoError(t, wsjson.Write(ctx, conn, message{MessageType: "hello", UseWebPush: true}))
	require.NoError(t, wsjson.Read(ctx, conn, &reply))
	require.Equal(t, 200, reply.Status)
	require.NoError(t, wsjson.Write(ctx, conn, message{MessageType: "register", ChannelID: "c1"}))
	require.NoError(t, wsjson.Read(ctx, conn, &reply))
	require.Equal(t, 200, reply.Status)
	return reply.PushEndpoint
}

// TestTheEndpointRefusesWhatAPushServiceWould: a message without TTL
// (RFC 8030 section 5.2), in another content coding, or without a valid
// VAPID signature (RFC 8292) is refused.
func TestTheEndpointRefusesWhatAPushServiceWould(t *testing.T) {
	s := Start()
	defer s.Close()
	endpoint := register(t, s)
	post := func(header map[string]string) int {
		req, err := http.NewRequest("POST", endpoint, strings.NewReader("body"))
		require.NoError(t, err)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, 400, post(map[string]string{"Content-Encoding": "aes128gcm"}), "no TTL")
	assert.Equal(t, 400, post(map[string]string{"TTL": "60", "Content-Encoding": "aesgcm"}), "the old coding")
	assert.Equal(t, 401, post(map[string]string{"TTL": "60", "Content-Encoding": "aes128gcm", "Authorization": "WebPush x"}), "no VAPID")

	// A token k signed is taken; one another key signed is refused.
	private, public, err := webpush.GenerateVAPIDKeys()
	require.NoError(t, err)
	sub := &webpush.Subscription{Endpoint: endpoint, Keys: webpush.Keys{
		P256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4", Auth: "BTBZMqHH6r4Tts7J_aSIgg"}}
	resp, err := webpush.SendNotification([]byte("hi"), sub, &webpush.Options{Subscriber: "a@example.com", TTL: 60, VAPIDPublicKey: public, VAPIDPrivateKey: private})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 201, resp.StatusCode)
	other, _, err := webpush.GenerateVAPIDKeys()
	require.NoError(t, err)
	resp, err = webpush.SendNotification([]byte("hi"), sub, &webpush.Options{Subscriber: "a@example.com", TTL: 60, VAPIDPublicKey: public, VAPIDPrivateKey: other})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode, "signed by another key than k")
}
