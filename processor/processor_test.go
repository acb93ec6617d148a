package processor_test

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/internal/logfixture"
	"github.com/push-turnkey/push-turnkey/internal/testservers"
	"github.com/push-turnkey/push-turnkey/processor"
	"github.com/push-turnkey/push-turnkey/pushlog"
	"github.com/push-turnkey/push-turnkey/pushmessages"
)

var env testservers.Env

func TestMain(m *testing.M) { os.Exit(testservers.Run(m, &env)) }

func vapidKey(t testing.TB) string {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes())
}

const second = int64(1e9)

// realisticObject has deliveries for two registered keys and one
// unregistered key, senders without VAPID, other server records and broken
// records.
func realisticObject(t testing.TB, registered1, registered2, unregistered string) *logfixture.Object {
	var o logfixture.Object
	base := int64(1_790_000_000) * second
	o.Record(base, "autopush-1.58.4", map[string]interface{}{"message": "Connection made", "uaid_hash": "x"})
	for i := 0; i < 150; i++ {
		o.Delivery(base+int64(i)*second, registered1, fmt.Sprintf("r1-%03d", i), 100+i, 60)
	}
	o.Delivery(base+5*second, registered2, "r2-a", 10, 0)
	stored := logfixture.DeliveryFields(registered2+"==", "r2-b", 20, 3600) // padded form of the key
	stored["message"] = pushlog.MessageStored
	o.Record(base+6*second, "autoendpoint-1.58.4", stored)
	o.Delivery(base+7*second, unregistered, "u-1", 30, 60)
	o.Delivery(base+8*second, "", "no-vapid", 30, 60)
	o.Record(base+9*second, "autoendpoint-1.58.4", map[string]interface{}{"message": "Request timings", "request_time": 12})
	o.Raw([]byte("\x1e{\"Hostname\": \"broken\n"))
	broken := logfixture.DeliveryFields(registered1, "bad-size", 0, 60)
	broken["message_size"] = "lots"
	o.Record(base+10*second, "autoendpoint-1.58.4", broken)
	o.Record(base+11*second, "autopush-1.58.4", map[string]interface{}{"message": "Successful delivery"}) // no key
	return &o
}

func TestProcessKeepsRegisteredDeliveries(t *testing.T) {
	for _, compressed := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip=%v", compressed), func(t *testing.T) {
			ctx := context.Background()
			store := env.Store(t)
			k1, k2, other := vapidKey(t), vapidKey(t), vapidKey(t)
			require.NoError(t, store.Register(ctx, k1))
			require.NoError(t, store.Register(ctx, k2))
			o := realisticObject(t, k1, k2, other)
			data := o.Plain()
			if compressed {
				data = o.Gzip()
			}

			sum, err := processor.Process(ctx, bytes.NewReader(data), store)
			require.NoError(t, err)
			assert.Equal(t, processor.Summary{Records: 159, Matched: 152, Keys: 2, Skipped: 2}, sum)

			msgs, err := store.Messages(ctx, k1)
			require.NoError(t, err)
			require.Len(t, msgs, 100, "trimmed to the newest 100")
			assert.Equal(t, pushlog.Entry{ID: "r1-149", Timestamp: 1_790_000_149, Size: 249, TTL: 60}, msgs[0], "newest first")
			assert.Equal(t, "r1-050", msgs[99].ID)

			msgs, err = store.Messages(ctx, k2)
			require.NoError(t, err)
			assert.Equal(t, []pushlog.Entry{
				{ID: "r2-b", Timestamp: 1_790_000_006, Size: 20, TTL: 3600},
				{ID: "r2-a", Timestamp: 1_790_000_005, Size: 10, TTL: 0},
			}, msgs)
			assert.Zero(t, store.Redis.Exists(ctx, other).Val(), "an unregistered key gets no list")
		})
	}
}

func TestListsGrowAcrossObjects(t *testing.T) {
	ctx := context.Background()
	store := env.Store(t)
	k := vapidKey(t)
	require.NoError(t, store.Register(ctx, k))
	for batch := 0; batch < 3; batch++ {
		var o logfixture.Object
		for i := 0; i < 40; i++ {
			n := batch*40 + i
			o.Delivery(int64(1_790_000_000+n)*second, k, fmt.Sprintf("m%03d", n), 1, 1)
		}
		_, err := processor.Process(ctx, bytes.NewReader(o.Gzip()), store)
		require.NoError(t, err)
	}
	msgs, err := store.Messages(ctx, k)
	require.NoError(t, err)
	require.Len(t, msgs, 100)
	assert.Equal(t, "m119", msgs[0].ID)
	assert.Equal(t, "m020", msgs[99].ID)
}

func TestKeysAreReloadedFromDynamoDBAfterRedisLoss(t *testing.T) {
	ctx := context.Background()
	store := env.Store(t)
	k := vapidKey(t)
	require.NoError(t, store.Register(ctx, k))
	require.NoError(t, store.Redis.FlushAll(ctx).Err()) // failover: empty Redis

	var o logfixture.Object
	o.Delivery(1_790_000_000*second, k, "after-failover", 5, 5)
	sum, err := processor.Process(ctx, bytes.NewReader(o.Plain()), store)
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Matched)
	assert.True(t, store.Redis.HExists(ctx, pushmessages.RegisteredKeysHash, k).Val())
	msgs, err := store.Messages(ctx, k)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.Equal(t, "after-failover", msgs[0].ID)
}

func TestFailuresAreReturnedNotDropped(t *testing.T) {
	ctx := context.Background()
	store := env.Store(t)
	k := vapidKey(t)
	require.NoError(t, store.Register(ctx, k))
	var o logfixture.Object
	o.Delivery(1_790_000_000*second, k, "m", 5, 5)

	down := &pushmessages.Store{Redis: redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1}), DynamoDB: store.DynamoDB, Table: store.Table}
	_, err := processor.Process(ctx, bytes.NewReader(o.Plain()), down)
	assert.ErrorContains(t, err, "redis")

	// Redis fails after the keys were read: the push error comes back.
	failing := &failingPush{Store: store}
	_, err = processor.Process(ctx, bytes.NewReader(o.Plain()), failing)
	assert.ErrorContains(t, err, "push refused")

	// A read failure of the object (S3 cut the stream) comes back too.
	data := o.Gzip()
	_, err = processor.Process(ctx, io.MultiReader(bytes.NewReader(data[:len(data)/2]), errReader{}), store)
	assert.ErrorContains(t, err, "connection reset")
}

type failingPush struct{ *pushmessages.Store }

func (f *failingPush) Push(context.Context, string, []pushlog.Entry) error {
	return errors.New("push refused")
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestRetriesAndOutOfOrderObjectsGiveTheSameList: Lambda retries and S3's
// at-least-once delivery repeat objects, and objects arrive in any order;
// the list must come out the same: newest first, each message once.
func TestRetriesAndOutOfOrderObjectsGiveTheSameList(t *testing.T) {
	ctx := context.Background()
	store := env.Store(t)
	k := vapidKey(t)
	require.NoError(t, store.Register(ctx, k))
	object := func(from, to int) []byte {
		var o logfixture.Object
		for i := from; i < to; i++ {
			o.Delivery(int64(1_790_000_000+i)*second, k, fmt.Sprintf("m%03d", i), 1, 1)
		}
		return o.Gzip()
	}
	older, newer := object(0, 80), object(80, 130)
	for _, data := range [][]byte{newer, older, newer, older} { // out of order, each twice
		_, err := processor.Process(ctx, bytes.NewReader(data), store)
		require.NoError(t, err)
	}
	msgs, err := store.Messages(ctx, k)
	require.NoError(t, err)
	require.Len(t, msgs, 100)
	for i, m := range msgs {
		assert.Equal(t, fmt.Sprintf("m%03d", 129-i), m.ID, "position %d", i)
	}
}

// TestEqualTimestampsKeepFileOrder: records logged in the same instant rank
// by their order in the object, the later the newer.
func TestEqualTimestampsKeepFileOrder(t *testing.T) {
	ctx := context.Background()
	store := env.Store(t)
	k := vapidKey(t)
	require.NoError(t, store.Register(ctx, k))
	var o logfixture.Object
	for i := 0; i < 150; i++ {
		o.Delivery(1_790_000_000*second, k, fmt.Sprintf("m%03d", i), 1, 1)
	}
	_, err := processor.Process(ctx, bytes.NewReader(o.Plain()), store)
	require.NoError(t, err)
	msgs, err := store.Messages(ctx, k)
	require.NoError(t, err)
	require.Len(t, msgs, 100)
	assert.Equal(t, "m149", msgs[0].ID)
	assert.Equal(t, "m050", msgs[99].ID)
}
