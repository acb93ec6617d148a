package pushstandin_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/pushstandin"
)

// A raw client for the tests: it writes the JSON and headers each test
// spells out, and reads what comes back, with nothing of the stand-in's.

// conn is a websocket to the stand-in.
type conn struct {
	t *testing.T
	c *websocket.Conn
}

func dial(t *testing.T, s *pushstandin.Server) *conn {
	t.Helper()
	c, _, err := websocket.Dial(context.Background(), s.PushServerURL(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { c.CloseNow() })
	return &conn{t, c}
}

// send writes one text frame as written.
func (c *conn) send(text string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	require.NoError(c.t, c.c.Write(ctx, websocket.MessageText, []byte(text)))
}

// recvRaw reads the next frame's text.
func (c *conn) recvRaw() string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	typ, b, err := c.c.Read(ctx)
	require.NoError(c.t, err, "want a message")
	require.Equal(c.t, websocket.MessageText, typ)
	return string(b)
}

// recv reads the next frame as a JSON object.
func (c *conn) recv() map[string]any {
	c.t.Helper()
	var m map[string]any
	raw := c.recvRaw()
	require.NoError(c.t, json.Unmarshal([]byte(raw), &m), raw)
	return m
}

// closed reads until the server closes, failing on any message first,
// and returns the close frame's status (1005: none, as autobahn's
// sendClose() sends).
func (c *conn) closed() websocket.StatusCode {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, b, err := c.c.Read(ctx)
	require.Error(c.t, err, "want the connection closed, got %s", b)
	status := websocket.CloseStatus(err)
	require.NotEqual(c.t, websocket.StatusCode(-1), status, "want a close frame, got %v", err)
	return status
}

// hello says hello with use_webpush and the given extra members
// (`"uaid": "…"`), requires status 200 and returns the reply.
func (c *conn) hello(extra string) map[string]any {
	c.t.Helper()
	if extra != "" {
		extra = "," + extra
	}
	c.send(`{"messageType": "hello", "use_webpush": true` + extra + `}`)
	reply := c.recv()
	require.Equal(c.t, "hello", reply["messageType"], reply)
	require.EqualValues(c.t, 200, reply["status"], reply)
	return reply
}

// register registers channelID (with `, "key": "…"` when extra says so)
// and returns the endpoint.
func (c *conn) register(channelID, extra string) string {
	c.t.Helper()
	c.send(`{"messageType": "register", "channelID": "` + channelID + `"` + extra + `}`)
	reply := c.recv()
	require.EqualValues(c.t, 200, reply["status"], reply)
	return reply["pushEndpoint"].(string)
}

// channel is a fresh lower-case dashed UUID.
func channel() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	h := fmt.Sprintf("%x", b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// endpointURL is the server's endpoint_url: scheme://host:port, the port
// there unless 80 or 443 (utils.py:75-80); the stand-in serves the
// endpoint on the websocket's port.
func endpointURL(s *pushstandin.Server) string {
	return "http://" + strings.TrimSuffix(strings.TrimPrefix(s.PushServerURL(), "ws://"), "/")
}

// response is an endpoint's answer.
type response struct {
	status int
	header http.Header
	body   map[string]any
}

// post sends a WebPush request with exactly these headers.
func post(t *testing.T, url string, headers map[string]string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return response{resp.StatusCode, resp.Header, m}
}

// vapidKey is an application server's P-256 key and its public key as
// RFC 8292 section 3.2 writes it: the uncompressed point, base64url.
type vapidKey struct {
	private *ecdsa.PrivateKey
	k       string
}

func newVAPIDKey(t *testing.T) vapidKey {
	t.Helper()
	p, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	point, err := p.PublicKey.Bytes()
	require.NoError(t, err)
	return vapidKey{p, base64.RawURLEncoding.EncodeToString(point)}
}

// jwt signs the claims (JSON as written) as a JWS with the given header:
// base64url segments and an r || s signature of 32 bytes each (RFC 7518
// section 3.4) over the hash h.
func (v vapidKey) jwt(t *testing.T, header, claims string, h hash.Hash) string {
	t.Helper()
	input := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(claims))
	h.Write([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, v.private, h.Sum(nil))
	require.NoError(t, err)
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// es256 is jwt with {"typ":"JWT","alg":"ES256"}.
func (v vapidKey) es256(t *testing.T, claims string) string {
	return v.jwt(t, `{"typ":"JWT","alg":"ES256"}`, claims, sha256.New())
}

// claims are the claims a VAPID sender writes: aud, exp in seconds from
// now, sub.
func claims(aud string, expIn time.Duration) string {
	return fmt.Sprintf(`{"aud":%q,"exp":%d,"sub":"mailto:test@example.com"}`, aud, time.Now().Add(expIn).Unix())
}

// aes128gcm is a request's headers for an aes128gcm body with a TTL and
// this Authorization ("" for none).
func aes128gcm(authorization string) map[string]string {
	h := map[string]string{"Content-Encoding": "aes128gcm", "TTL": "60"}
	if authorization != "" {
		h["Authorization"] = authorization
	}
	return h
}
