package messagesapi_test

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/internal/testservers"
	"github.com/push-turnkey/push-turnkey/messagesapi"
	"github.com/push-turnkey/push-turnkey/pushlog"
	"github.com/push-turnkey/push-turnkey/pushmessages"
)

var env testservers.Env

func TestMain(m *testing.M) { os.Exit(testservers.Run(m, &env)) }

func vapidKey(t *testing.T) string {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes())
}

func newServer(t *testing.T) (*httptest.Server, *pushmessages.Store) {
	t.Helper()
	store := env.Store(t)
	api := messagesapi.New(store, messagesapi.Version{Source: "push-turnkey", Version: "test", Commit: "abc"},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return srv, store
}

func do(t *testing.T, method, url, body string) (*http.Response, map[string]interface{}) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var v map[string]interface{}
	if len(data) > 0 {
		require.NoError(t, json.Unmarshal(data, &v), "JSON body: %s", data)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	}
	return resp, v
}

func TestKeyLifecycle(t *testing.T) {
	srv, store := newServer(t)
	key := vapidKey(t)

	resp, body := do(t, "GET", srv.URL+"/keys", "")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, map[string]interface{}{"keys": []interface{}{}}, body)

	resp, body = do(t, "POST", srv.URL+"/keys", `{"public-key": "`+key+`="}`) // padded form accepted
	require.Equal(t, 201, resp.StatusCode, "%v", body)
	assert.Equal(t, srv.URL+"/keys/"+key, resp.Header.Get("Location"))
	assert.Equal(t, key, body["public-key"])

	resp, body = do(t, "GET", srv.URL+"/keys", "")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, map[string]interface{}{"keys": []interface{}{map[string]interface{}{"public-key": key}}}, body)

	resp, _ = do(t, "GET", srv.URL+"/messages/"+key, "")
	assert.Equal(t, 204, resp.StatusCode, "registered, no messages yet")

	ctx := context.Background()
	require.NoError(t, store.Push(ctx, key, []pushlog.Entry{
		{ID: "old", Timestamp: 1790000000.5, Size: 10, TTL: 60},
		{ID: "new", Timestamp: 1790000001.25, Size: 20, TTL: 0},
	}))
	resp, body = do(t, "GET", srv.URL+"/messages/"+key, "")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, map[string]interface{}{"messages": []interface{}{
		map[string]interface{}{"id": "new", "timestamp": 1790000001.25, "size": 20.0, "ttl": 0.0},
		map[string]interface{}{"id": "old", "timestamp": 1790000000.5, "size": 10.0, "ttl": 60.0},
	}}, body)

	resp, _ = do(t, "DELETE", srv.URL+"/keys/"+key, "")
	assert.Equal(t, 204, resp.StatusCode)
	resp, body = do(t, "DELETE", srv.URL+"/keys/"+key, "")
	assert.Equal(t, 404, resp.StatusCode)
	assert.Contains(t, body["error"], "not registered")
	resp, _ = do(t, "GET", srv.URL+"/messages/"+key, "")
	assert.Equal(t, 404, resp.StatusCode, "unregistered key")
}

func TestBadRequestsNameTheProblem(t *testing.T) {
	srv, _ := newServer(t)
	key := vapidKey(t)
	cases := []struct {
		method, path, body string
		status             int
		problem            string
	}{
		{"POST", "/keys", "", 400, "body is empty"},
		{"POST", "/keys", "{", 400, "not the JSON object"},
		{"POST", "/keys", `{"public-key": 5}`, 400, "not the JSON object"},
		{"POST", "/keys", `{"publicKey": "` + key + `"}`, 400, "unknown field"},
		{"POST", "/keys", `{"public-key": "` + key + `"} {}`, 400, "more than one JSON value"},
		{"POST", "/keys", `{"public-key": ""}`, 400, `"public-key": public key is empty`},
		{"POST", "/keys", `{"public-key": "hello"}`, 400, "not URL-safe base64"},
		{"POST", "/keys", `{"public-key": "AAAA"}`, 400, "decodes to 3 bytes"},
		{"POST", "/keys", `{"public-key": "` + strings.Repeat("A", 8000) + `"}`, 413, "larger than 4096 bytes"},
		{"GET", "/messages/not-a-key", "", 400, "path: public key"},
		{"DELETE", "/keys/AAAA", "", 400, "path: public key decodes to 3 bytes"},
		{"PUT", "/keys", "", 405, "use GET or POST"},
		{"GET", "/keys/" + key, "", 405, "use DELETE"},
		{"POST", "/messages/" + key, "", 405, "use GET"},
		{"GET", "/nothing", "", 404, "no such endpoint"},
		{"GET", "//keys", "", 404, "no such endpoint"},
		{"GET", "/keys/../keys", "", 404, "no such endpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path+" "+tc.body[:min(len(tc.body), 30)], func(t *testing.T) {
			resp, body := do(t, tc.method, srv.URL+tc.path, tc.body)
			assert.Equal(t, tc.status, resp.StatusCode)
			require.NotNil(t, body)
			assert.Contains(t, body["error"], tc.problem)
		})
	}
}

func TestRedisLossIsRepairedFromDynamoDB(t *testing.T) {
	srv, store := newServer(t)
	key := vapidKey(t)
	resp, _ := do(t, "POST", srv.URL+"/keys", `{"public-key": "`+key+`"}`)
	require.Equal(t, 201, resp.StatusCode)
	require.NoError(t, store.Redis.FlushAll(context.Background()).Err())

	resp, _ = do(t, "GET", srv.URL+"/messages/"+key, "")
	assert.Equal(t, 204, resp.StatusCode, "still registered after Redis lost it")
	require.NoError(t, store.Redis.FlushAll(context.Background()).Err())
	_, body := do(t, "GET", srv.URL+"/keys", "")
	assert.Equal(t, map[string]interface{}{"keys": []interface{}{map[string]interface{}{"public-key": key}}}, body)
}

func TestHealthEndpoints(t *testing.T) {
	srv, store := newServer(t)
	resp, body := do(t, "GET", srv.URL+"/__heartbeat__", "")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, map[string]interface{}{"status": "ok", "redis": "ok", "dynamodb": "ok"}, body)
	resp, _ = do(t, "GET", srv.URL+"/__lbheartbeat__", "")
	assert.Equal(t, 200, resp.StatusCode)
	resp, body = do(t, "GET", srv.URL+"/__version__", "")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, map[string]interface{}{"source": "push-turnkey", "version": "test", "commit": "abc", "build": ""}, body)

	down := &pushmessages.Store{Redis: redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1}), DynamoDB: store.DynamoDB, Table: store.Table}
	broken := httptest.NewServer(messagesapi.New(down, messagesapi.Version{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer broken.Close()
	resp, body = do(t, "GET", broken.URL+"/__heartbeat__", "")
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, map[string]interface{}{"status": "error", "redis": "unavailable", "dynamodb": "ok"}, body,
		"says which store fails, without internal addresses")
	resp, body = do(t, "GET", broken.URL+"/keys", "")
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, "storage unavailable", body["error"])
	resp, _ = do(t, "GET", broken.URL+"/__lbheartbeat__", "")
	assert.Equal(t, 200, resp.StatusCode, "the load balancer check does not depend on storage")
}

// TestSilentStorageGivesA503 runs the API against a DynamoDB endpoint that
// accepts connections and never answers: requests end in time with a 503.
func TestSilentStorageGivesA503(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			defer conn.Close() // hold it open, say nothing
		}
	}()
	store := env.Store(t)
	silent := &pushmessages.Store{Redis: store.Redis, DynamoDB: testservers.DynamoDBClient(l.Addr().String()), Table: store.Table}
	srv := httptest.NewServer(messagesapi.New(silent, messagesapi.Version{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()

	start := time.Now()
	resp, body := do(t, "POST", srv.URL+"/keys", `{"public-key": "`+vapidKey(t)+`"}`)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, "storage unavailable", body["error"])
	assert.Less(t, time.Since(start), messagesapi.RequestTimeout+5*time.Second)
}

// lockedBuffer is a log sink the server's goroutines share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestEachRequestIsLoggedWithoutKeys: one line per request with method,
// route pattern, status and duration, which never carries the key in the
// path or the body.
func TestEachRequestIsLoggedWithoutKeys(t *testing.T) {
	var logs lockedBuffer
	srv := httptest.NewServer(messagesapi.New(env.Store(t), messagesapi.Version{}, slog.New(slog.NewJSONHandler(&logs, nil))))
	defer srv.Close()
	key := vapidKey(t)
	requests := []struct{ method, path, body, route string }{
		{"POST", "/keys", `{"public-key": "` + key + `"}`, "/keys"},
		{"GET", "/messages/" + key, "", "/messages/{key}"},
		{"DELETE", "/keys/" + key, "", "/keys/{key}"},
		{"GET", "/no-such-thing", "", "unmatched"},
		{"GET", "/keys/../keys", "", "unmatched"},
	}
	statuses := []float64{}
	for _, r := range requests {
		req, err := http.NewRequest(r.method, srv.URL+r.path, strings.NewReader(r.body))
		require.NoError(t, err)
		req.URL.Opaque = r.path // keep "..": the client would clean it
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		statuses = append(statuses, float64(resp.StatusCode))
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, len(requests), "one line per request")
	for i, line := range lines {
		var entry map[string]interface{}
		require.NoError(t, json.Unmarshal([]byte(line), &entry))
		assert.Equal(t, "request", entry["msg"])
		assert.Equal(t, requests[i].method, entry["method"])
		assert.Equal(t, requests[i].route, entry["route"], requests[i].path)
		assert.Equal(t, statuses[i], entry["status"], requests[i].path)
		assert.GreaterOrEqual(t, entry["duration_ms"], 0.0)
		assert.NotContains(t, line, key, "no key in the log")
	}
	assert.Equal(t, []float64{201, 204, 204, 404, 404}, statuses, "no messages yet: 204")
}
