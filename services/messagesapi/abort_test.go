package messagesapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/messagesapi"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/testing/testservers"
)

// TestClientsThatGiveUpLeaveRedisAsDynamoDB: clients that abort at random
// points (HTTP clients with timeouts of 0.3 to 9 ms, and raw connections
// closed right after, or in the middle of, sending a request) POST and
// DELETE a small set of keys, round after round, against the real API on
// redis-server and dynalite. After each round, once every request the
// server took has been served, the Redis hash holds exactly the keys of
// the push messages table.
func TestClientsThatGiveUpLeaveRedisAsDynamoDB(t *testing.T) {
	store := env.Store(t)
	store.DynamoDB = testservers.DynamoDBClient(wholeRequestProxy(t, env.Dynalite.Addr))
	api := messagesapi.New(store, messagesapi.Version{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	keys := make([]string, 6)
	for i := range keys {
		keys[i] = vapidKey(t)
	}

	const rounds, perRound = 25, 80
	var sent, gaveUp, answered atomic.Int64
	tableOnly, redisOnly := 0, 0
	for round := range rounds {
		// A server per round: Close waits for every request it took.
		srv := httptest.NewServer(api)
		var wg sync.WaitGroup
		for range perRound {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := keys[rand.IntN(len(keys))]
				method := []string{http.MethodPost, http.MethodDelete}[rand.IntN(2)]
				sent.Add(1)
				if rand.IntN(4) == 0 {
					abortRaw(t, srv.Listener.Addr().String(), method, key)
					gaveUp.Add(1)
					return
				}
				// Log-uniform from 0.3 ms to 80 ms: most give up, at
				// every step of the request; some wait for the answer.
				timeout := time.Duration(300 * math.Pow(80000.0/300, rand.Float64()) * float64(time.Microsecond))
				if abortingRequest(t, srv.URL, method, key, timeout) {
					gaveUp.Add(1)
				} else {
					answered.Add(1)
				}
			}()
		}
		wg.Wait()
		srv.Close()

		inRedis, err := store.Redis.HKeys(ctx, pushmessages.RegisteredKeysHash).Result()
		require.NoError(t, err)
		inTable := testservers.TableKeys(t, store)
		onlyT, onlyR := testservers.Missing(inTable, inRedis), testservers.Missing(inRedis, inTable)
		tableOnly += len(onlyT)
		redisOnly += len(onlyR)
		if len(onlyT)+len(onlyR) > 0 {
			t.Logf("round %d: %d keys in the table only, %d in Redis only", round, len(onlyT), len(onlyR))
		}
		// Start the next round with both empty, written directly so that
		// the repair does not depend on the code under test.
		for _, k := range keys {
			_, err := store.DynamoDB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(store.Table),
				Key: map[string]types.AttributeValue{pushmessages.KeyAttribute: &types.AttributeValueMemberS{Value: k}}})
			require.NoError(t, err)
			require.NoError(t, store.Redis.HDel(ctx, pushmessages.RegisteredKeysHash, k).Err())
		}
	}
	t.Logf("%d requests: %d clients gave up, %d answered; %d keys ended in the table only, %d in Redis only",
		sent.Load(), gaveUp.Load(), answered.Load(), tableOnly, redisOnly)
	assert.Zero(t, tableOnly+redisOnly, "Redis and the table disagree after clients gave up")
	// The trial is only a trial if clients did give up, and some did not.
	assert.Greater(t, gaveUp.Load(), sent.Load()/3)
	assert.Greater(t, answered.Load(), int64(0))
}

// abortingRequest sends one request with a client timeout and reports
// whether the client gave up before it had the answer.
func abortingRequest(t *testing.T, base, method, key string, timeout time.Duration) bool {
	req := proved(t, method, base+"/keys/"+key, key, "")
	if method == http.MethodPost {
		req = proved(t, method, base+"/keys", key, `{"public-key": "`+key+`"}`)
	}
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		var netErr net.Error
		if !errors.As(err, &netErr) || !netErr.Timeout() {
			assert.NoError(t, err, "only timeouts expected")
		}
		return true
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err != nil {
		return true
	}
	assert.Contains(t, []int{201, 204, 404}, resp.StatusCode, "%s %s", method, key)
	return false
}

// abortRaw writes the request (whole, or all but the end of its body) on a
// connection of its own, waits up to 4 ms and closes it.
func abortRaw(t *testing.T, addr, method, key string) {
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	var req string
	proof, _ := proofs.Load(key)
	if method == http.MethodPost {
		body := `{"public-key": "` + key + `"}`
		req = fmt.Sprintf("POST /keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", proof, len(body), body)
		if rand.IntN(3) == 0 {
			req = req[:len(req)-5] // the body never ends
		}
	} else {
		req = fmt.Sprintf("DELETE /keys/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: %s\r\n\r\n", key, proof)
	}
	_, err = io.WriteString(conn, req)
	require.NoError(t, err)
	time.Sleep(rand.N(4 * time.Millisecond))
	if tcp, ok := conn.(*net.TCPConn); ok && rand.IntN(2) == 0 {
		_ = tcp.SetLinger(0) // a reset rather than a FIN
	}
}

// wholeRequestProxy starts a proxy to dynalite at target and returns its
// address. It forwards a request only once it has it whole, and finishes it
// even if the client hangs up, which is what DynamoDB does with a request
// it received; dynalite itself would crash on a request cut short
// (index.js: req.on('error', function (err) { throw err })).
func wholeRequestProxy(t *testing.T, target string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return // cut short: DynamoDB never saw it
		}
		out, err := http.NewRequestWithContext(context.Background(), r.Method, "http://"+target+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		out.Header, out.Host = r.Header.Clone(), r.Host
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}
