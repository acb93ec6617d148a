package messagesapi_test

import (
	"bufio"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/messagesapi"
	"github.com/push-turnkey/push-turnkey/services/pushlog"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/services/vapid"
	"github.com/push-turnkey/push-turnkey/testing/syncbuffer"
	"github.com/push-turnkey/push-turnkey/testing/testservers"
)

var env testservers.Env

func TestMain(m *testing.M) { os.Exit(testservers.Run(m, &env)) }

// proofs holds, for each key vapidKey made, a proof of holding it
// (vapid.SignProof, good for an hour): a test request naming the key
// carries it, as the dashboard's do.
var proofs sync.Map // public key -> Authorization value

func vapidKey(t *testing.T) string {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	require.NoError(t, err)
	public := base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes())
	proof, err := vapid.SignProof(base64.RawURLEncoding.EncodeToString(k.Bytes()), time.Now().Add(time.Hour), "mailto:test@example.com")
	require.NoError(t, err)
	proofs.Store(public, proof)
	return public
}

// proved makes a request as the dashboard does: with the proof of the key
// it names (when vapidKey made it) and, with a body, as JSON.
func proved(t *testing.T, method, url, key, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if p, ok := proofs.Load(vapid.Canonical(key)); ok {
		req.Header.Set("Authorization", p.(string))
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// namedKey is the key a request to url with body names: the path's, or
// the body's "public-key".
func namedKey(url, body string) string {
	for _, prefix := range []string{"/keys/", "/messages/"} {
		if i := strings.Index(url, prefix); i >= 0 {
			return url[i+len(prefix):]
		}
	}
	var b struct {
		Key string `json:"public-key"`
	}
	_ = json.Unmarshal([]byte(body), &b)
	return b.Key
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
	return send(t, proved(t, method, url, namedKey(url, body), body))
}

// send sends req and reads its JSON answer.
func send(t *testing.T, req *http.Request) (*http.Response, map[string]interface{}) {
	t.Helper()
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
	assert.Equal(t, 405, resp.StatusCode, "no one lists every team's key")
	assert.Equal(t, "POST", resp.Header.Get("Allow"))

	resp, body = do(t, "POST", srv.URL+"/keys", `{"public-key": "`+key+`="}`) // padded form accepted
	require.Equal(t, 201, resp.StatusCode, "%v", body)
	assert.Equal(t, "/keys/"+key, resp.Header.Get("Location"), "relative: resolved against the request's URI")
	assert.Equal(t, key, body["public-key"])

	registered, err := store.IsRegistered(context.Background(), key)
	require.NoError(t, err)
	assert.True(t, registered)

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
		{"POST", "/keys", "{", 400, "body ends inside its JSON object"},
		{"POST", "/keys", `{"public-key": "` + key + `"`, 400, "body ends inside its JSON object"},
		{"POST", "/keys", `{"public-key"`, 400, "body ends inside its JSON object"},
		{"POST", "/keys", `{"public-key": "` + key + `",}`, 400, "body is not JSON: invalid character '}'"},
		{"POST", "/keys", `["` + key + `"]`, 400, "body is not a JSON object"},
		{"POST", "/keys", `"` + key + `"`, 400, "body is not a JSON object"},
		{"POST", "/keys", `null`, 400, "body is not a JSON object"},
		{"POST", "/keys", `{}`, 400, `body has no "public-key" member`},
		{"POST", "/keys", `{"public-key": 5}`, 400, `"public-key" is not a JSON string`},
		{"POST", "/keys", `{"public-key": null}`, 400, `"public-key" is not a JSON string`},
		{"POST", "/keys", `{"public-key": ["` + key + `"]}`, 400, `"public-key" is not a JSON string`},
		{"POST", "/keys", `{"publicKey": "` + key + `"}`, 400, `unknown member "publicKey": the only member is "public-key"`},
		// encoding/json would take each of these as "public-key".
		{"POST", "/keys", `{"Public-Key": "` + key + `"}`, 400, `unknown member "Public-Key"`},
		{"POST", "/keys", `{"PUBLIC-KEY": "` + key + `"}`, 400, `unknown member "PUBLIC-KEY"`},
		{"POST", "/keys", `{"public-\u212aey": "` + key + `"}`, 400, "unknown member \"public-\u212aey\""}, // KELVIN SIGN folds to k
		{"POST", "/keys", `{"public-key": "` + key + `", "extra": 1}`, 400, `unknown member "extra"`},
		{"POST", "/keys", `{"public-key": "` + key + `", "public-key": "` + key + `"}`, 400, `member "public-key" appears more than once`},
		{"POST", "/keys", `{"public-key": "AAAA", "public-key": "` + key + `"}`, 400, `member "public-key" appears more than once`},
		{"POST", "/keys", `{"public-key": "` + key + `"} {}`, 400, "more than one JSON value"},
		{"POST", "/keys", `{"public-key": ""}`, 400, `"public-key": public key is empty`},
		{"POST", "/keys", `{"public-key": "hello"}`, 400, "not URL-safe base64"},
		{"POST", "/keys", `{"public-key": "AAAA"}`, 400, "decodes to 3 bytes"},
		{"POST", "/keys", `{"public-key": "` + strings.Repeat("A", 8000) + `"}`, 413, "larger than 4096 bytes"},
		{"GET", "/messages/not-a-key", "", 400, "path: public key"},
		{"DELETE", "/keys/AAAA", "", 400, "path: public key decodes to 3 bytes"},
		{"PUT", "/keys", "", 405, "use POST"},
		{"GET", "/keys/" + key, "", 405, "use DELETE"},
		{"POST", "/messages/" + key, "", 405, "use GET or HEAD"},
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
	keys, err := store.RegisteredKeys(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{key: true}, keys)
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
	resp, body = do(t, "GET", broken.URL+"/messages/"+vapidKey(t), "")
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

// TestEachRequestIsLoggedWithoutKeys: one line per request with method,
// route pattern, status and duration, which never carries the key in the
// path or the body.
func TestEachRequestIsLoggedWithoutKeys(t *testing.T) {
	var logs syncbuffer.Buffer
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
		req := proved(t, r.method, srv.URL+r.path, namedKey(r.path, r.body), r.body)
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

// TestLocationIgnoresTheHostHeader: a client that names another host (in
// Host, or in the headers proxies add) gets a Location on this API all the
// same: the relative /keys/<key>.
func TestLocationIgnoresTheHostHeader(t *testing.T) {
	srv, _ := newServer(t)
	key := vapidKey(t)
	req := proved(t, "POST", srv.URL+"/keys", key, `{"public-key": "`+key+`"}`)
	req.Host = "10.9.8.7:8080" // another address: a name is refused (TestOnlyAddressesAreAnswered)
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("Forwarded", "host=evil.example;proto=https")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "/keys/"+key, resp.Header.Get("Location"))

	base, err := url.Parse(srv.URL + "/keys")
	require.NoError(t, err)
	loc, err := base.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/keys/"+key, loc.String(), "resolves against the URL the client asked")
}

// TestBodyMemberNamesAreComparedAfterJSONEscapes: "public\u002dkey" is
// the name "public-key" written with an escape (RFC 8259, section 7), so it
// is the member, not an unknown one.
func TestBodyMemberNamesAreComparedAfterJSONEscapes(t *testing.T) {
	srv, _ := newServer(t)
	key := vapidKey(t)
	resp, body := do(t, "POST", srv.URL+"/keys", `{"public\u002dkey": "`+key+`"}`)
	assert.Equal(t, 201, resp.StatusCode, "%v", body)
	assert.Equal(t, key, body["public-key"])
}

// TestFailingRequestsLogNoKeys: with Redis down, the requests that carry a
// key in their path or body fail with 503, and no log line, neither the
// failure nor the request line, holds the key.
func TestFailingRequestsLogNoKeys(t *testing.T) {
	var logs syncbuffer.Buffer
	store := env.Store(t)
	down := &pushmessages.Store{Redis: redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1}), DynamoDB: store.DynamoDB, Table: store.Table}
	srv := httptest.NewServer(messagesapi.New(down, messagesapi.Version{}, slog.New(slog.NewJSONHandler(&logs, nil))))
	defer srv.Close()
	key := vapidKey(t)
	requests := []struct{ method, path, body, route string }{
		{"POST", "/keys", `{"public-key": "` + key + `"}`, "/keys"},
		{"DELETE", "/keys/" + key, "", "/keys/{key}"},
		{"GET", "/messages/" + key, "", "/messages/{key}"},
		{"HEAD", "/messages/" + key, "", "/messages/{key}"},
	}
	for _, r := range requests {
		resp, _ := do(t, r.method, srv.URL+r.path, r.body)
		assert.Equal(t, 503, resp.StatusCode, "%s %s", r.method, r.route)
	}
	var failures []string
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		assert.NotContains(t, line, key, "no key in the log")
		var entry map[string]interface{}
		require.NoError(t, json.Unmarshal([]byte(line), &entry))
		if entry["msg"] == "request failed" {
			failures = append(failures, fmt.Sprint(entry["method"], " ", entry["route"]))
			assert.Contains(t, entry["error"], "redis", "the failure is logged with its cause")
		}
	}
	assert.Equal(t, []string{"POST /keys", "DELETE /keys/{key}", "GET /messages/{key}", "HEAD /messages/{key}"}, failures)
}

// TestHeadIsGetWithoutABody: wherever GET is served, HEAD answers the same
// status and headers and no body. GET and HEAD go down one connection, one
// after the other, so a body sent for HEAD would garble the next answer.
func TestHeadIsGetWithoutABody(t *testing.T) {
	srv, store := newServer(t)
	ctx := context.Background()
	key, withMessages, unknown := vapidKey(t), vapidKey(t), vapidKey(t)
	require.NoError(t, store.Register(ctx, key))
	require.NoError(t, store.Register(ctx, withMessages))
	require.NoError(t, store.Push(ctx, withMessages, []pushlog.Entry{{ID: "m", Timestamp: 1790000000.5, Size: 10, TTL: 60}}))

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	r := bufio.NewReader(conn)
	roundTrip := func(method, path string) (*http.Response, []byte) {
		req := proved(t, method, "http://127.0.0.1"+path, namedKey(path, ""), "")
		require.NoError(t, req.Write(conn))
		resp, err := http.ReadResponse(r, req)
		require.NoError(t, err, "%s %s", method, path)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, body
	}
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/messages/" + withMessages, 200},
		{"/messages/" + key, 204},
		{"/messages/" + unknown, 404},
		{"/messages/AAAA", 400},
		{"/__heartbeat__", 200},
		{"/__lbheartbeat__", 200},
		{"/__version__", 200},
	} {
		head, headBody := roundTrip("HEAD", tc.path)
		get, getBody := roundTrip("GET", tc.path)
		assert.Equal(t, tc.status, head.StatusCode, "HEAD %s", tc.path)
		assert.Equal(t, tc.status, get.StatusCode, "GET %s", tc.path)
		assert.Empty(t, headBody, "HEAD %s", tc.path)
		assert.Equal(t, get.Header.Get("Content-Type"), head.Header.Get("Content-Type"), tc.path)
		if tc.status != 204 {
			assert.NotEmpty(t, getBody, "GET %s", tc.path)
			assert.Equal(t, strconv.Itoa(len(getBody)), head.Header.Get("Content-Length"), "HEAD %s: the length GET has", tc.path)
		}
	}
	resp, _ := roundTrip("HEAD", "/keys/"+key)
	assert.Equal(t, 405, resp.StatusCode, "no GET there, so no HEAD")
	assert.Equal(t, "DELETE", resp.Header.Get("Allow"))
	resp, _ = roundTrip("HEAD", "/keys")
	assert.Equal(t, 405, resp.StatusCode, "no listing of keys, so no HEAD")
	assert.Equal(t, "POST", resp.Header.Get("Allow"))
}

// TestKeepRedisInStepSetsRightWhatAFailureLeftApart: a key in the table
// only (a Redis failure after the table write of a POST) and a key in Redis
// only (the same for a DELETE, with its message list) are set right by the
// periodic check, which logs the counts and not the keys, and stops when
// its context ends.
func TestKeepRedisInStepSetsRightWhatAFailureLeftApart(t *testing.T) {
	ctx := context.Background()
	store := env.Store(t)
	kept, tableOnly, redisOnly := vapidKey(t), vapidKey(t), vapidKey(t)
	require.NoError(t, store.Register(ctx, kept))
	require.NoError(t, store.Register(ctx, tableOnly))
	require.NoError(t, store.Register(ctx, redisOnly))
	require.NoError(t, store.Push(ctx, redisOnly, []pushlog.Entry{{ID: "m", Timestamp: 1}}))
	_, err := store.DynamoDB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(store.Table),
		Key: map[string]types.AttributeValue{pushmessages.KeyAttribute: &types.AttributeValueMemberS{Value: redisOnly}}})
	require.NoError(t, err)
	require.NoError(t, store.Redis.HDel(ctx, pushmessages.RegisteredKeysHash, tableOnly).Err())

	var logs syncbuffer.Buffer
	api := messagesapi.New(store, messagesapi.Version{}, slog.New(slog.NewJSONHandler(&logs, nil)))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); api.KeepRedisInStep(runCtx, 250*time.Millisecond) }()
	require.Eventually(t, func() bool {
		inRedis := store.Redis.HKeys(ctx, pushmessages.RegisteredKeysHash).Val()
		sort.Strings(inRedis)
		return assert.ObjectsAreEqual(testservers.TableKeys(t, store), inRedis)
	}, 5*time.Second, 10*time.Millisecond)
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("KeepRedisInStep did not return when its context ended")
	}
	assert.ElementsMatch(t, []string{kept, tableOnly}, testservers.TableKeys(t, store))
	assert.Zero(t, store.Redis.Exists(ctx, redisOnly).Val(), "the messages of the key gone from the table go too")

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 1, "one warning, then nothing while in step: %s", logs.String())
	var entry map[string]interface{}
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &entry))
	assert.Equal(t, "WARN", entry["level"])
	assert.Equal(t, 1.0, entry["added"])
	assert.Equal(t, 1.0, entry["removed"])
	assert.Equal(t, 2.0, entry["keys"])
	for _, k := range []string{kept, tableOnly, redisOnly} {
		assert.NotContains(t, lines[0], k)
	}
}

// TestRegistrationsAreCapped: anyone who reaches the API can make key
// pairs and prove them; past MaxRegisteredKeys a new key is refused, while
// a registered one is still accepted again.
func TestRegistrationsAreCapped(t *testing.T) {
	srv, store := newServer(t)
	first := vapidKey(t)
	resp, _ := do(t, "POST", srv.URL+"/keys", `{"public-key": "`+first+`"}`)
	require.Equal(t, 201, resp.StatusCode)
	// Fill up to the cap through the store: a thousand proofs would only
	// slow the test.
	for i := 1; i < 1000; i++ {
		require.NoError(t, store.Register(context.Background(), fmt.Sprintf("filler-%04d", i)))
	}
	resp, body := do(t, "POST", srv.URL+"/keys", `{"public-key": "`+vapidKey(t)+`"}`)
	assert.Equal(t, 403, resp.StatusCode)
	assert.Equal(t, "the service holds its limit of 1000 registered keys: a key must be removed before another is added", body["error"])
	resp, _ = do(t, "POST", srv.URL+"/keys", `{"public-key": "`+first+`"}`)
	assert.Equal(t, 201, resp.StatusCode, "a registered key is added again")
	resp, _ = do(t, "DELETE", srv.URL+"/keys/"+first, "")
	require.Equal(t, 204, resp.StatusCode)
	resp, _ = do(t, "POST", srv.URL+"/keys", `{"public-key": "`+vapidKey(t)+`"}`)
	assert.Equal(t, 201, resp.StatusCode, "room again once one is removed")
}

// TestNoAnswerIsCached: the JSON answers, a team's messages among them,
// are kept by no cache.
func TestNoAnswerIsCached(t *testing.T) {
	srv, _ := newServer(t)
	key := vapidKey(t)
	resp, _ := do(t, "POST", srv.URL+"/keys", `{"public-key": "`+key+`"}`)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	resp, _ = do(t, "GET", srv.URL+"/messages/"+key, "")
	assert.Equal(t, 204, resp.StatusCode)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	resp, _ = do(t, "GET", srv.URL+"/pipeline", "")
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
}
