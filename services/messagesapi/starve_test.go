package messagesapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
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
	"github.com/push-turnkey/push-turnkey/testing/syncbuffer"
	"github.com/push-turnkey/push-turnkey/testing/testservers"
)

// TestBusyClientsCannotStopTheCheck: a key left in the table only (a
// Redis failure after a POST's table write) is set right by the periodic
// check while hostile clients keep POSTing their own registered keys
// (changing nothing), or registering and removing them (changing
// something each time). Found by an attacker trial: every POST bumped the
// version counter the check watches, so the check gave up every tick.
func TestBusyClientsCannotStopTheCheck(t *testing.T) {
	for _, churn := range []bool{false, true} {
		name := map[bool]string{false: "reposting", true: "churning"}[churn]
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			store := env.Store(t)
			// A table the check takes a while to scan, written straight
			// to the table and loaded into Redis by a first check.
			var fill sync.WaitGroup
			for range 16 {
				fill.Add(1)
				go func() {
					defer fill.Done()
					for range 150 {
						_, err := store.DynamoDB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(store.Table),
							Item: map[string]types.AttributeValue{pushmessages.KeyAttribute: &types.AttributeValueMemberS{Value: vapidKey(t)}}})
						assert.NoError(t, err)
					}
				}()
			}
			fill.Wait()
			_, err := store.Reconcile(ctx)
			require.NoError(t, err)
			tableOnly := vapidKey(t)
			require.NoError(t, store.Register(ctx, tableOnly))
			require.NoError(t, store.Redis.HDel(ctx, pushmessages.RegisteredKeysHash, tableOnly).Err()) // the failure

			var logs syncbuffer.Buffer
			api := messagesapi.New(store, messagesapi.Version{}, slog.New(slog.NewJSONHandler(&logs, nil)))
			srv := httptest.NewServer(api)
			defer srv.Close()
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var requests atomic.Int64
			for range 16 {
				own := vapidKey(t)
				require.NoError(t, store.Register(ctx, own))
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						req := proved(t, http.MethodPost, srv.URL+"/keys", own, `{"public-key": "`+own+`"}`)
						if churn && i%2 == 1 {
							req = proved(t, http.MethodDelete, srv.URL+"/keys/"+own, own, "")
						}
						if resp, err := http.DefaultClient.Do(req); err == nil {
							_, _ = io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							requests.Add(1)
						}
					}
				}()
			}

			// Eight checks while the clients are busy: none may give up.
			runCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			go api.KeepRedisInStep(runCtx, 250*time.Millisecond)
			time.Sleep(2100 * time.Millisecond)
			cancel()
			close(stop)
			wg.Wait()
			failed := strings.Count(logs.String(), "reconcile redis with the table failed")
			t.Logf("%d requests by the busy clients; %d checks failed", requests.Load(), failed)
			assert.Zero(t, failed, "no check gave up: %s", logs.String())
			assert.True(t, slices.Contains(store.Redis.HKeys(ctx, pushmessages.RegisteredKeysHash).Val(), tableOnly),
				"the check put the table's key back")
			assert.Greater(t, requests.Load(), int64(50), "the clients were busy")
			inRedis := store.Redis.HKeys(ctx, pushmessages.RegisteredKeysHash).Val()
			sort.Strings(inRedis)
			assert.Equal(t, testservers.TableKeys(t, store), inRedis, "Redis holds the table's keys")
		})
	}
}
