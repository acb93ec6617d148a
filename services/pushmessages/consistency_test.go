package pushmessages_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/pushlog"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/testing/testservers"
)

// TestLambdaRefillsRacingRegistrationsLeaveRedisAsDynamoDB: the API's
// store registers and unregisters keys while a second store on the same
// Redis and table (the processor Lambda: another process, so none of the
// API's locks) reads the keys, sometimes just after a failover emptied
// Redis, which makes it refill the hash from the table. Once the writes
// are done, the keys the Lambda reads and the hash hold are the table's.
func TestLambdaRefillsRacingRegistrationsLeaveRedisAsDynamoDB(t *testing.T) {
	ctx := context.Background()
	api := env.Store(t)
	lambdaRedis := redis.NewClient(&redis.Options{Addr: env.Redis.Addr})
	t.Cleanup(func() { lambdaRedis.Close() })
	lambda := &pushmessages.Store{Redis: lambdaRedis, DynamoDB: api.DynamoDB, Table: api.Table}
	keys := make([]string, 8)
	for i := range keys {
		keys[i] = fmt.Sprintf("KEY%d", i)
	}

	var refills atomic.Int64
	splitRounds := 0
	for round := range 20 {
		stop := make(chan struct{})
		lambdaDone := make(chan struct{})
		go func() {
			defer close(lambdaDone)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if rand.IntN(5) == 0 {
					assert.NoError(t, lambdaRedis.FlushAll(ctx).Err(), "failover")
					refills.Add(1)
				}
				_, err := lambda.RegisteredKeys(ctx)
				assert.NoError(t, err)
				time.Sleep(rand.N(2 * time.Millisecond))
			}
		}()
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 15 {
					k := keys[rand.IntN(len(keys))]
					if rand.IntN(2) == 0 {
						assert.NoError(t, api.Register(ctx, k))
					} else if err := api.Unregister(ctx, k); err != pushmessages.ErrNotRegistered {
						assert.NoError(t, err)
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		<-lambdaDone

		inTable := testservers.TableKeys(t, api)
		read, err := lambda.RegisteredKeys(ctx)
		require.NoError(t, err)
		inRedis, err := api.Redis.HKeys(ctx, pushmessages.RegisteredKeysHash).Result()
		require.NoError(t, err)
		sort.Strings(inRedis)
		if !assert.Equal(t, inTable, sortedKeys(read), "round %d: the Lambda reads the table's keys", round) ||
			!assert.Equal(t, inTable, inRedis, "round %d: the hash holds the table's keys", round) {
			splitRounds++
		}
	}
	t.Logf("20 rounds, %d failovers; %d rounds ended with Redis apart from the table", refills.Load(), splitRounds)
}

func sortedKeys(set map[string]bool) []string {
	keys := []string{}
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// afterDynamoDB runs a function after the first call of one operation
// returns, before its caller sees the answer: a client hanging up, another
// process's write landing in between.
type afterDynamoDB struct {
	pushmessages.DynamoDB
	op    string // "PutItem", "DeleteItem" or "Scan"
	then  func()
	once  sync.Once
	scans atomic.Int64
}

func (d *afterDynamoDB) after(op string) {
	if op == d.op {
		d.once.Do(d.then)
	}
}

func (d *afterDynamoDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	out, err := d.DynamoDB.PutItem(ctx, in, opts...)
	d.after("PutItem")
	return out, err
}

func (d *afterDynamoDB) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	out, err := d.DynamoDB.DeleteItem(ctx, in, opts...)
	d.after("DeleteItem")
	return out, err
}

func (d *afterDynamoDB) Scan(ctx context.Context, in *dynamodb.ScanInput, opts ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	d.scans.Add(1)
	out, err := d.DynamoDB.Scan(ctx, in, opts...)
	d.after("Scan")
	return out, err
}

// assertInStep asserts that the hash holds exactly the table's keys.
func assertInStep(t *testing.T, s *pushmessages.Store, want ...string) {
	t.Helper()
	sort.Strings(want)
	if want == nil {
		want = []string{}
	}
	assert.Equal(t, want, testservers.TableKeys(t, s), "the table")
	inRedis, err := s.Redis.HKeys(context.Background(), pushmessages.RegisteredKeysHash).Result()
	require.NoError(t, err)
	sort.Strings(inRedis)
	if len(inRedis) == 0 {
		inRedis = []string{}
	}
	assert.Equal(t, want, inRedis, "the hash")
}

// TestWritesFinishWhenTheCallerGivesUp: the caller's context ends just
// after the table write (a client that hung up); the Redis write is made
// all the same. A context that ended before the call writes nothing.
func TestWritesFinishWhenTheCallerGivesUp(t *testing.T) {
	for _, op := range []string{"PutItem", "DeleteItem"} {
		t.Run(op, func(t *testing.T) {
			s := env.Store(t)
			require.NoError(t, s.Register(context.Background(), "OTHER"))
			if op == "DeleteItem" {
				require.NoError(t, s.Register(context.Background(), "K"))
			}
			ctx, cancel := context.WithCancel(context.Background())
			s.DynamoDB = &afterDynamoDB{DynamoDB: s.DynamoDB, op: op, then: cancel}
			if op == "PutItem" {
				require.NoError(t, s.Register(ctx, "K"))
				assertInStep(t, s, "OTHER", "K")
			} else {
				require.NoError(t, s.Unregister(ctx, "K"))
				assertInStep(t, s, "OTHER")
			}
			require.Error(t, ctx.Err(), "the caller had gone")

			assert.ErrorIs(t, s.Register(ctx, "LATE"), context.Canceled)
			assert.ErrorIs(t, s.Unregister(ctx, "OTHER"), context.Canceled)
			assertInStep(t, s, append([]string{"OTHER"}, map[string][]string{"PutItem": {"K"}}[op]...)...)
		})
	}
}

// TestARedisFailureBetweenTheWritesConverges: with Redis down after the
// table write, Register and Unregister fail and name Redis; the table and
// the hash are apart. Repeating the call sets them right, and so does
// Reconcile, which drops the message list of a key gone from the table.
func TestARedisFailureBetweenTheWritesConverges(t *testing.T) {
	ctx := context.Background()
	for _, repair := range []string{"repeat", "reconcile"} {
		t.Run(repair, func(t *testing.T) {
			s := env.Store(t)
			require.NoError(t, s.Register(ctx, "KEPT"))
			require.NoError(t, s.Register(ctx, "GOING"))
			require.NoError(t, s.Push(ctx, "GOING", []pushlog.Entry{{ID: "m", Timestamp: 1}}))
			down := &pushmessages.Store{Redis: redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1}), DynamoDB: s.DynamoDB, Table: s.Table}
			assert.ErrorContains(t, down.Register(ctx, "NEW"), "register key in redis")
			assert.ErrorContains(t, down.Unregister(ctx, "GOING"), "unregister key in redis")
			assert.Equal(t, []string{"KEPT", "NEW"}, testservers.TableKeys(t, s))
			assert.ElementsMatch(t, []string{"KEPT", "GOING"}, s.Redis.HKeys(ctx, pushmessages.RegisteredKeysHash).Val(), "apart")

			if repair == "repeat" {
				require.NoError(t, s.Register(ctx, "NEW"))
				require.NoError(t, s.Unregister(ctx, "GOING"), "not ErrNotRegistered: Redis still had it")
			} else {
				r, err := s.Reconcile(ctx)
				require.NoError(t, err)
				assert.Equal(t, 1, r.Added)
				assert.Equal(t, 1, r.Removed)
				assert.ElementsMatch(t, []string{"KEPT", "NEW"}, r.Keys)
				r, err = s.Reconcile(ctx)
				require.NoError(t, err)
				assert.Equal(t, pushmessages.Reconciled{Keys: r.Keys}, r, "nothing to do the second time")
			}
			assertInStep(t, s, "KEPT", "NEW")
			assert.Zero(t, s.Redis.Exists(ctx, "GOING").Val(), "its messages are gone")
		})
	}
}

// TestAChangeAfterAFailoverLoadsTheWholeHash: Redis comes back empty and
// the first thing to happen is a Register, an Unregister or a lookup of one
// key; the hash then holds every key of the table, not just that one.
func TestAChangeAfterAFailoverLoadsTheWholeHash(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		change func(s *pushmessages.Store) error
		want   []string
	}{
		"register":   {func(s *pushmessages.Store) error { return s.Register(ctx, "NEW") }, []string{"A", "B", "C", "NEW"}},
		"unregister": {func(s *pushmessages.Store) error { return s.Unregister(ctx, "B") }, []string{"A", "C"}},
		"lookup": {func(s *pushmessages.Store) error {
			ok, err := s.IsRegistered(ctx, "B")
			assert.True(t, ok)
			return err
		}, []string{"A", "B", "C"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := env.Store(t)
			for _, k := range []string{"A", "B", "C"} {
				require.NoError(t, s.Register(ctx, k))
			}
			require.NoError(t, s.Redis.FlushAll(ctx).Err())
			require.NoError(t, tc.change(s))
			assertInStep(t, s, tc.want...)
			keys, err := s.RegisteredKeys(ctx)
			require.NoError(t, err)
			assert.Equal(t, tc.want, sortedKeys(keys))
		})
	}
}

// TestAChangeDuringAScanIsNotLost: another process registers or
// unregisters a key after the table scan of a refill (the Lambda's, on an
// empty hash) or of a Reconcile (the API's, on a loaded one) has read past
// it and before the refill writes Redis. The refill must not write its
// stale view over the change.
func TestAChangeDuringAScanIsNotLost(t *testing.T) {
	ctx := context.Background()
	for _, loaded := range []bool{false, true} {
		for _, op := range []string{"register", "unregister"} {
			t.Run(fmt.Sprintf("%s loaded=%v", op, loaded), func(t *testing.T) {
				api := env.Store(t)
				require.NoError(t, api.Register(ctx, "A"))
				require.NoError(t, api.Register(ctx, "B"))
				if !loaded {
					require.NoError(t, api.Redis.FlushAll(ctx).Err())
				}
				change := func() {
					if op == "register" {
						assert.NoError(t, api.Register(ctx, "NEW"))
					} else {
						assert.NoError(t, api.Unregister(ctx, "B"))
					}
				}
				other := &afterDynamoDB{DynamoDB: api.DynamoDB, op: "Scan", then: change}
				lambda := &pushmessages.Store{Redis: api.Redis, DynamoDB: other, Table: api.Table}
				if loaded {
					_, err := lambda.Reconcile(ctx)
					require.NoError(t, err)
				} else {
					_, err := lambda.RegisteredKeys(ctx)
					require.NoError(t, err)
				}
				want := map[string][]string{"register": {"A", "B", "NEW"}, "unregister": {"A"}}[op]
				assertInStep(t, api, want...)
				keys, err := lambda.RegisteredKeys(ctx)
				require.NoError(t, err)
				assert.Equal(t, want, sortedKeys(keys))
			})
		}
	}
}

// TestReadersOfALoadedHashDoNotScan: once the hash is loaded, even empty
// (a table with no keys), reading the keys or looking one up asks Redis
// alone.
func TestReadersOfALoadedHashDoNotScan(t *testing.T) {
	ctx := context.Background()
	s := env.Store(t)
	counting := &afterDynamoDB{DynamoDB: s.DynamoDB, then: func() {}}
	s.DynamoDB = counting
	for range 3 {
		keys, err := s.RegisteredKeys(ctx)
		require.NoError(t, err)
		assert.Empty(t, keys)
	}
	assert.Equal(t, int64(1), counting.scans.Load(), "the first read loads the empty table")
	require.NoError(t, s.Register(ctx, "A"))
	for range 3 {
		keys, err := s.RegisteredKeys(ctx)
		require.NoError(t, err)
		assert.Equal(t, map[string]bool{"A": true}, keys)
		ok, err := s.IsRegistered(ctx, "A")
		require.NoError(t, err)
		assert.True(t, ok)
	}
	assert.Equal(t, int64(1), counting.scans.Load())
}
