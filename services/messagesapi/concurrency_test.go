package messagesapi_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/pushmessages"
)

// TestConcurrentRegistrationsLeaveRedisAsDynamoDB: 20 POSTs and 20 DELETEs
// for each of 5 keys, shuffled, 60 at a time, against the real redis-server
// and dynalite; once they are done, the keys Redis holds are exactly those
// the push messages table (the truth) holds.
func TestConcurrentRegistrationsLeaveRedisAsDynamoDB(t *testing.T) {
	srv, store := newServer(t)
	ctx := context.Background()
	for round := range 3 {
		keys := make([]string, 5)
		for i := range keys {
			keys[i] = vapidKey(t)
		}
		type call struct{ method, key string }
		var calls []call
		for _, k := range keys {
			for range 20 {
				calls = append(calls, call{http.MethodPost, k}, call{http.MethodDelete, k})
			}
		}
		rand.Shuffle(len(calls), func(i, j int) { calls[i], calls[j] = calls[j], calls[i] })

		work := make(chan call)
		var wg sync.WaitGroup
		for range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for c := range work {
					req := proved(t, c.method, srv.URL+"/keys/"+c.key, c.key, "")
					if c.method == http.MethodPost {
						req = proved(t, c.method, srv.URL+"/keys", c.key, `{"public-key": "`+c.key+`"}`)
					}
					resp, err := http.DefaultClient.Do(req)
					if assert.NoError(t, err) {
						resp.Body.Close()
						assert.Contains(t, []int{201, 204, 404}, resp.StatusCode, "%s %s", c.method, c.key)
					}
				}
			}()
		}
		for _, c := range calls {
			work <- c
		}
		close(work)
		wg.Wait()

		inRedis, err := store.Redis.HKeys(ctx, pushmessages.RegisteredKeysHash).Result()
		require.NoError(t, err)
		inTable := []string{}
		out, err := store.DynamoDB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(store.Table), ConsistentRead: aws.Bool(true)})
		require.NoError(t, err)
		for _, item := range out.Items {
			inTable = append(inTable, item[pushmessages.KeyAttribute].(*types.AttributeValueMemberS).Value)
		}
		assert.ElementsMatch(t, inTable, inRedis, "round %d: Redis agrees with the table", round)
		for _, k := range append(inRedis, inTable...) { // start the next round clean
			_ = store.Unregister(ctx, k)
		}
	}
}
