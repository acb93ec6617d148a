package pushmessages_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/pushlog"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/testing/testservers"
)

var env testservers.Env

func TestMain(m *testing.M) { os.Exit(testservers.Run(m, &env)) }

func TestRegisterAndUnregister(t *testing.T) {
	ctx := context.Background()
	s := env.Store(t)
	require.NoError(t, s.Register(ctx, "KEY1"))
	require.NoError(t, s.Register(ctx, "KEY1"), "registering twice is fine")
	require.NoError(t, s.Register(ctx, "KEY2"))

	keys, err := s.RegisteredKeys(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"KEY1": true, "KEY2": true}, keys)
	ok, err := s.IsRegistered(ctx, "KEY1")
	require.NoError(t, err)
	assert.True(t, ok)

	require.NoError(t, s.Push(ctx, "KEY1", []pushlog.Entry{{ID: "m", Timestamp: 1, Size: 2, TTL: 3}}))
	require.NoError(t, s.Unregister(ctx, "KEY1"))
	assert.ErrorIs(t, s.Unregister(ctx, "KEY1"), pushmessages.ErrNotRegistered)
	ok, err = s.IsRegistered(ctx, "KEY1")
	require.NoError(t, err)
	assert.False(t, ok)
	msgs, err := s.Messages(ctx, "KEY1")
	require.NoError(t, err)
	assert.Empty(t, msgs, "unregistering drops the key's messages")
}

func TestRedisIsRefilledFromDynamoDBAfterLoss(t *testing.T) {
	ctx := context.Background()
	s := env.Store(t)
	for i := 0; i < 30; i++ {
		require.NoError(t, s.Register(ctx, fmt.Sprintf("KEY%02d", i)))
	}
	// A failover: Redis comes back empty.
	require.NoError(t, s.Redis.FlushAll(ctx).Err())

	keys, err := s.RegisteredKeys(ctx)
	require.NoError(t, err)
	assert.Len(t, keys, 30)
	n, err := s.Redis.HLen(ctx, pushmessages.RegisteredKeysHash).Result()
	require.NoError(t, err)
	assert.Equal(t, int64(30), n, "the hash is written back")

	require.NoError(t, s.Redis.HDel(ctx, pushmessages.RegisteredKeysHash, "KEY07").Err())
	ok, err := s.IsRegistered(ctx, "KEY07")
	require.NoError(t, err)
	assert.True(t, ok, "DynamoDB is the truth")
	assert.True(t, s.Redis.HExists(ctx, pushmessages.RegisteredKeysHash, "KEY07").Val())
}

func TestPushKeepsTheNewestHundredNewestFirst(t *testing.T) {
	ctx := context.Background()
	s := env.Store(t)
	require.NoError(t, s.Redis.HSet(ctx, pushmessages.RegisteredKeysHash, "K", "").Err())
	var batch []pushlog.Entry
	for i := 0; i < 70; i++ {
		batch = append(batch, pushlog.Entry{ID: fmt.Sprint(i), Timestamp: float64(i), Size: 10, TTL: 60})
	}
	require.NoError(t, s.Push(ctx, "K", batch[:40]))
	require.NoError(t, s.Push(ctx, "K", batch[40:]))
	require.NoError(t, s.Push(ctx, "K", []pushlog.Entry{{ID: "70", Timestamp: 70}, {ID: "71", Timestamp: 71}}))
	var more []pushlog.Entry
	for i := 72; i < 110; i++ {
		more = append(more, pushlog.Entry{ID: fmt.Sprint(i), Timestamp: float64(i)})
	}
	require.NoError(t, s.Push(ctx, "K", more))

	msgs, err := s.Messages(ctx, "K")
	require.NoError(t, err)
	require.Len(t, msgs, pushmessages.MaxMessages)
	assert.Equal(t, "109", msgs[0].ID)
	assert.Equal(t, "10", msgs[99].ID)
	assert.Equal(t, int64(100), s.Redis.LLen(ctx, "K").Val())
}

func TestFailuresAreReturned(t *testing.T) {
	ctx := context.Background()
	s := env.Store(t)
	down := &pushmessages.Store{Redis: redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1}), DynamoDB: s.DynamoDB, Table: s.Table}
	_, err := down.RegisteredKeys(ctx)
	assert.ErrorContains(t, err, "redis")
	assert.ErrorContains(t, down.Push(ctx, "K", []pushlog.Entry{{ID: "x"}}), "push messages")

	missing := &pushmessages.Store{Redis: s.Redis, DynamoDB: s.DynamoDB, Table: "no_such_table"}
	_, err = missing.RegisteredKeys(ctx)
	assert.ErrorContains(t, err, "scan no_such_table")
	assert.Error(t, missing.PingDynamoDB(ctx))
	assert.Error(t, down.PingRedis(ctx))
	assert.NoError(t, s.PingDynamoDB(ctx))
	assert.NoError(t, s.PingRedis(ctx))
}

func TestPushDropsUnreadableListedEntries(t *testing.T) {
	ctx := context.Background()
	s := env.Store(t)
	require.NoError(t, s.Redis.HSet(ctx, pushmessages.RegisteredKeysHash, "K", "").Err())
	require.NoError(t, s.Redis.RPush(ctx, "K", "not json", `{"no":"id"}`, `{"id":"old","timestamp":1}`).Err())
	require.NoError(t, s.Push(ctx, "K", []pushlog.Entry{{ID: "new", Timestamp: 2}, {ID: "old", Timestamp: 1}}))
	msgs, err := s.Messages(ctx, "K")
	require.NoError(t, err)
	assert.Equal(t, []pushlog.Entry{{ID: "new", Timestamp: 2}, {ID: "old", Timestamp: 1}}, msgs)
}

// TestPushMergesAsTheTruthHasIt: an unregistered key gets no list (an
// unregister may have run since the processor read the keys), and of two
// entries of one message the older stays, whichever came first.
func TestPushMergesAsTheTruthHasIt(t *testing.T) {
	ctx := context.Background()
	s := env.Store(t)
	require.NoError(t, s.Push(ctx, "gone", []pushlog.Entry{{ID: "m", Timestamp: 1}}))
	assert.Zero(t, s.Redis.Exists(ctx, "gone").Val(), "no list for a key that is not registered")

	require.NoError(t, s.Redis.HSet(ctx, pushmessages.RegisteredKeysHash, "K", "").Err())
	timings, delivery := pushlog.Entry{ID: "m", Timestamp: 10.002, Size: 5}, pushlog.Entry{ID: "m", Timestamp: 10, Size: 5}
	require.NoError(t, s.Push(ctx, "K", []pushlog.Entry{timings}))
	require.NoError(t, s.Push(ctx, "K", []pushlog.Entry{delivery}))
	msgs, err := s.Messages(ctx, "K")
	require.NoError(t, err)
	assert.Equal(t, []pushlog.Entry{delivery}, msgs, "the older entry, though it came second")
}
