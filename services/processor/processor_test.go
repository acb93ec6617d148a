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

	"github.com/push-turnkey/push-turnkey/services/processor"
	"github.com/push-turnkey/push-turnkey/services/pushlog"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/testing/logfixture"
	"github.com/push-turnkey/push-turnkey/testing/testservers"
)

var env testservers.Env

func TestMain(m *testing.M) { os.Exit(testservers.Run(m, &env)) }

func vapidKey(t testing.TB) string {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes())
}

// deliver logs one delivered message of key (as its sender writes it) at
// t seconds, as the endpoint node does: its delivery record, then its
// request's timings.
func deliver(o *logfixture.Object, key, id string, t float64, size, ttl int) {
	o.Delivery(logfixture.Push{Time: t, SenderKey: key, MessageID: id, BodyLength: size, TTL: logfixture.TTL(ttl)})
}

const base = 1_790_000_000.0

// realisticObject has deliveries for two registered keys and one
// unregistered key, written as autoendpoint 1.58.4 writes them (a stored
// message only in its request's timings, a sender without TTL, a sender
// who pads its key), a sender without VAPID, other server records and
// broken records.
func realisticObject(t testing.TB, registered1, registered2, unregistered string) *logfixture.Object {
	var o logfixture.Object
	o.Hello(base, logfixture.Client{UAIDHash: "x"})
	for i := 0; i < 150; i++ {
		deliver(&o, registered1, fmt.Sprintf("r1-%03d", i), base+float64(i), 100+i, 60)
	}
	o.Delivery(logfixture.Push{Time: base + 5, SenderKey: registered2, MessageID: "r2-a", BodyLength: 10}) // no TTL
	o.Delivery(logfixture.Push{Time: base + 6, SenderKey: registered2 + "=", MessageID: "r2-b", BodyLength: 20,
		TTL: logfixture.TTL(3600), Stored: true}) // padded key, stored: 1.58.4 logs only its timings
	deliver(&o, unregistered, "u-1", base+7, 30, 60)
	deliver(&o, "", "no-vapid", base+8, 30, 60)
	o.Raw([]byte("\x1e{\"Hostname\": \"broken\n"))
	var bad logfixture.Object
	deliver(&bad, registered1, "bad-size", base+10, 0, 60)
	o.Raw(bytes.ReplaceAll(bad.Plain(), []byte(`"message_size": 0`), []byte(`"message_size": "lots"`)))
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
			assert.Len(t, sum.Reasons, 3, "the two unreadable sizes and the cut record: %v", sum.Reasons)
			sum.Reasons = nil
			assert.Equal(t, processor.Summary{
				Counts:  pushlog.Counts{Records: 1 + 300 + 2 + 1 + 2 + 2 + 1 + 2, Deliveries: 153, Unreadable: 2, Malformed: 1},
				Matched: 152, Keys: 2,
			}, sum)

			msgs, err := store.Messages(ctx, k1)
			require.NoError(t, err)
			require.Len(t, msgs, 100, "trimmed to the newest 100")
			assert.Equal(t, pushlog.Entry{ID: "r1-149", Timestamp: base + 149, Size: 249, TTL: 60}, msgs[0], "newest first")
			assert.Equal(t, "r1-050", msgs[99].ID)

			msgs, err = store.Messages(ctx, k2)
			require.NoError(t, err)
			require.Len(t, msgs, 2)
			assert.Equal(t, "r2-b", msgs[0].ID, "the stored message, from its timings")
			assert.InDelta(t, base+6.002, msgs[0].Timestamp, 1e-6)
			assert.Equal(t, int64(3600), msgs[0].TTL)
			assert.Equal(t, pushlog.Entry{ID: "r2-a", Timestamp: base + 5, Size: 10, TTL: 0}, msgs[1], "no TTL given: 0")
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
			deliver(&o, k, fmt.Sprintf("m%03d", n), base+float64(n), 1, 1)
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
	deliver(&o, k, "after-failover", base, 5, 5)
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
	deliver(&o, k, "m", base, 5, 5)

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
			deliver(&o, k, fmt.Sprintf("m%03d", i), base+float64(i), 1, 1)
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
		deliver(&o, k, fmt.Sprintf("m%03d", i), base, 1, 1)
	}
	_, err := processor.Process(ctx, bytes.NewReader(o.Plain()), store)
	require.NoError(t, err)
	msgs, err := store.Messages(ctx, k)
	require.NoError(t, err)
	require.Len(t, msgs, 100)
	assert.Equal(t, "m149", msgs[0].ID)
	assert.Equal(t, "m050", msgs[99].ID)
}
