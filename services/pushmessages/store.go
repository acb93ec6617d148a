// Package pushmessages keeps the registered VAPID keys and each key's recent
// messages: the data of the Push Messages API (reference:
// processor-and-messages-api.md). DynamoDB holds the durable list of
// registered keys; Redis caches it in the hash "registered_keys" and holds,
// per key, a list of its newest messages. Redis can be lost (a failover):
// the store refills the hash from DynamoDB when it finds it not loaded
// (RegisteredKeysVersion missing). See Store for how the two stay in step.
package pushmessages

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/redis/go-redis/v9"

	"github.com/push-turnkey/push-turnkey/services/pushlog"
)

const (
	// RegisteredKeysHash is the Redis hash of registered keys: field = key,
	// value empty.
	RegisteredKeysHash = "registered_keys"
	// RegisteredKeysVersion is a Redis counter that exists once the hash
	// has been loaded from the table and is incremented by every change to
	// the hash. A missing counter means Redis lost the hash (a failover)
	// or never had it: whatever the hash holds then is not trusted, and the
	// next reader reconciles it with the table.
	RegisteredKeysVersion = "registered_keys_version"
	// MaxMessages is the length of each key's list, newest first.
	MaxMessages = 100
	// KeyAttribute is the partition key (S) of the push messages table.
	KeyAttribute = "public_key"
	// WriteTimeout bounds the writes of one Register or Unregister, which
	// do not stop when the caller's context ends (see Register).
	WriteTimeout = 10 * time.Second
	// reconcileAttempts is how often Reconcile starts again when a change
	// to the hash came between its scan of the table and its write.
	reconcileAttempts = 5
)

// DynamoDB is the part of the DynamoDB client the store uses.
type DynamoDB interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	dynamodb.ScanAPIClient
}

// Store reads and writes registered keys and messages. Keys are in the
// canonical form of vapid.ParsePublicKey.
//
// DynamoDB is the truth and the Redis hash follows it:
//
//   - Register and Unregister write the table, then change the hash and
//     increment RegisteredKeysVersion in one Redis script. Their writes run
//     to the end whatever the caller does (see Register).
//   - Within one process, the two writes for one key do not interleave
//     with another Register or Unregister of that key (keyLocks). Only the
//     Messages API, one instance, changes keys.
//   - Reconcile, which refills the hash from the table (the processor
//     Lambda's and the API's refill after a failover, the API's periodic
//     check), watches RegisteredKeysVersion from before its scan to its
//     write: a Register or Unregister whose table write its scan may have
//     missed changes the counter after that write, which aborts the
//     reconcile, and it starts again. So a refill in another process cannot
//     bring back a key just unregistered, or drop one just registered.
//   - A Register or Unregister that finds the hash not loaded loads it
//     (after its table write) and applies its change again, so no hash is
//     ever half loaded, and no load can lose the change.
//   - Readers load a hash that is not loaded, and stop trying once anyone
//     has loaded it: a load is never starved by changes (those abort only
//     a Reconcile of a loaded hash, which is retried).
//   - What remains is a Redis failure (or the process killed) between the
//     two writes: the call fails, and repeating it converges; so does the
//     next Reconcile.
type Store struct {
	Redis    redis.UniversalClient
	DynamoDB DynamoDB
	Table    string // the push messages table

	locksOnce sync.Once
	keyLocks  [64]chan struct{} // striped per key; a slot held is the lock
}

// RegisteredKeys returns every registered key. When the Redis hash is not
// loaded (see RegisteredKeysVersion) it is loaded from DynamoDB first.
func (s *Store) RegisteredKeys(ctx context.Context) (map[string]bool, error) {
	keys, err := s.loadedKeys(ctx)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set, nil
}

// loadedKeys returns the keys of the hash, loading it from the table when
// it is not loaded. A load that another one (or a failover) overtook is
// not repeated if the hash is loaded by then: readers of a loaded hash
// never scan, so a stream of Registers cannot starve them.
func (s *Store) loadedKeys(ctx context.Context) ([]string, error) {
	for attempt := 1; ; attempt++ {
		var loaded *redis.IntCmd
		var fields *redis.StringSliceCmd
		if _, err := s.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
			loaded = p.Exists(ctx, RegisteredKeysVersion)
			fields = p.HKeys(ctx, RegisteredKeysHash)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("read registered keys from redis: %w", err)
		}
		if loaded.Val() == 1 {
			return fields.Val(), nil
		}
		r, err := s.reconcileOnce(ctx)
		switch {
		case err == nil:
			return r.Keys, nil
		case !errors.Is(err, redis.TxFailedErr):
			return nil, fmt.Errorf("load registered keys: %w", err)
		case attempt == reconcileAttempts:
			return nil, fmt.Errorf("load registered keys: redis was emptied during each of %d attempts: %w", attempt, err)
		}
	}
}

// Reconciled is what one Reconcile found.
type Reconciled struct {
	// Keys are the table's keys, which the hash now holds.
	Keys []string
	// Added and Removed count the keys the hash lacked and the keys it
	// held that the table does not (their message lists are dropped too).
	// After a failover, Added is every key.
	Added, Removed int
}

// Reconcile makes the Redis hash hold exactly the keys of the DynamoDB
// table and marks it loaded. It reads the table with a consistent Scan,
// which costs one read unit per 4 KB of items read (DynamoDB developer
// guide, "Read consumption for Scan"): items hold the key alone, about 100
// bytes, so a unit per 40 keys. It writes Redis only when the
// hash differs or is not loaded, in one transaction that fails if the hash
// changed since the scan began; then it scans again, up to 5 times.
func (s *Store) Reconcile(ctx context.Context) (Reconciled, error) {
	// Hold every key's lock: no change of this process (a client that
	// keeps registering and removing its keys) can abort the transaction,
	// only another process's load of a lost hash.
	unlock, err := s.lockAll(ctx)
	if err != nil {
		return Reconciled{}, fmt.Errorf("reconcile registered keys: %w", err)
	}
	defer unlock()
	for attempt := 1; ; attempt++ {
		r, err := s.reconcileOnce(ctx)
		switch {
		case err == nil:
			return r, nil
		case !errors.Is(err, redis.TxFailedErr):
			return Reconciled{}, fmt.Errorf("reconcile registered keys: %w", err)
		case attempt == reconcileAttempts:
			return Reconciled{}, fmt.Errorf("reconcile registered keys: the hash changed during each of %d attempts: %w", attempt, err)
		}
	}
}

// Refill is Reconcile for a caller that wants the keys only (the API at
// start, after a failover).
func (s *Store) Refill(ctx context.Context) ([]string, error) {
	r, err := s.Reconcile(ctx)
	return r.Keys, err
}

func (s *Store) reconcileOnce(ctx context.Context) (Reconciled, error) {
	var r Reconciled
	err := s.Redis.Watch(ctx, func(tx *redis.Tx) error {
		keys, err := s.scanKeys(ctx)
		if err != nil {
			return err
		}
		loaded, err := tx.Exists(ctx, RegisteredKeysVersion).Result()
		if err != nil {
			return fmt.Errorf("read redis: %w", err)
		}
		cached, err := tx.HKeys(ctx, RegisteredKeysHash).Result()
		if err != nil {
			return fmt.Errorf("read redis: %w", err)
		}
		missing, extra := difference(keys, cached), difference(cached, keys)
		r = Reconciled{Keys: keys, Added: len(missing), Removed: len(extra)}
		if loaded == 1 && len(missing) == 0 && len(extra) == 0 {
			return nil
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			if len(extra) > 0 {
				p.HDel(ctx, RegisteredKeysHash, extra...)
				p.Del(ctx, extra...) // their message lists
			}
			if len(missing) > 0 {
				fields := make([]interface{}, 0, 2*len(missing))
				for _, k := range missing {
					fields = append(fields, k, "")
				}
				p.HSet(ctx, RegisteredKeysHash, fields...)
			}
			p.Incr(ctx, RegisteredKeysVersion)
			return nil
		})
		if err != nil && !errors.Is(err, redis.TxFailedErr) {
			return fmt.Errorf("write redis: %w", err)
		}
		return err
	}, RegisteredKeysVersion, RegisteredKeysHash)
	return r, err
}

// scanKeys reads every key of the table.
func (s *Store) scanKeys(ctx context.Context) ([]string, error) {
	keys := []string{}
	pages := dynamodb.NewScanPaginator(s.DynamoDB, &dynamodb.ScanInput{
		TableName:            aws.String(s.Table),
		ProjectionExpression: aws.String(KeyAttribute),
		ConsistentRead:       aws.Bool(true),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", s.Table, err)
		}
		for _, item := range page.Items {
			if v, ok := item[KeyAttribute].(*types.AttributeValueMemberS); ok {
				keys = append(keys, v.Value)
			}
		}
	}
	return keys, nil
}

// difference returns the members of a that b lacks.
func difference(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, k := range b {
		in[k] = true
	}
	var out []string
	for _, k := range a {
		if !in[k] {
			out = append(out, k)
		}
	}
	return out
}

// IsRegistered reports whether key is registered. When Redis does not know
// it, DynamoDB decides, and a key the table holds is written back to the
// hash; a hash not loaded is reconciled first.
func (s *Store) IsRegistered(ctx context.Context, key string) (bool, error) {
	var loaded *redis.IntCmd
	var known *redis.BoolCmd
	if _, err := s.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		loaded = p.Exists(ctx, RegisteredKeysVersion)
		known = p.HExists(ctx, RegisteredKeysHash, key)
		return nil
	}); err != nil {
		return false, fmt.Errorf("look up key in redis: %w", err)
	}
	if loaded.Val() == 0 {
		keys, err := s.loadedKeys(ctx)
		if err != nil {
			return false, err
		}
		return slices.Contains(keys, key), nil
	}
	if known.Val() {
		return true, nil
	}
	unlock, err := s.lock(ctx, key) // the restore below writes Redis from the table
	if err != nil {
		return false, fmt.Errorf("look up key: %w", err)
	}
	defer unlock()
	out, err := s.DynamoDB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.Table),
		Key:            map[string]types.AttributeValue{KeyAttribute: &types.AttributeValueMemberS{Value: key}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, fmt.Errorf("look up key in %s: %w", s.Table, err)
	}
	if out.Item == nil {
		return false, nil
	}
	if _, err := s.follow(ctx, opRestore, key, false); err != nil {
		return false, fmt.Errorf("restore key in redis: %w", err)
	}
	return true, nil
}

// Register records key in DynamoDB, then in Redis. Registering a key twice
// is not an error.
//
// Once the table write has begun, the call does not stop when ctx is
// cancelled or its deadline passes (a client that hangs up): both writes
// run under their own deadline, WriteTimeout, so that the table and Redis
// are not left apart. ctx bounds only the wait for another call on the same
// key; a ctx already done writes nothing and returns its error. An error
// from the Redis write leaves the key in the table only: repeat the call.
func (s *Store) Register(ctx context.Context, key string) error {
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return fmt.Errorf("register key: %w", err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), WriteTimeout)
	defer cancel()
	out, err := s.DynamoDB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:    aws.String(s.Table),
		Item:         map[string]types.AttributeValue{KeyAttribute: &types.AttributeValueMemberS{Value: key}},
		ReturnValues: types.ReturnValueAllOld,
	})
	if err != nil {
		return fmt.Errorf("register key in %s: %w", s.Table, err)
	}
	if _, err := s.follow(ctx, opRegister, key, out.Attributes == nil); err != nil {
		return fmt.Errorf("register key in redis: %w", err)
	}
	return nil
}

// ErrNotRegistered is returned for a key that is not registered.
var ErrNotRegistered = errors.New("key is not registered")

// Unregister removes key from DynamoDB, then from Redis with its messages.
// It returns ErrNotRegistered when neither held the key. Like Register, it
// runs to the end whatever ctx does once the table write has begun; an
// error from the Redis write leaves the key in Redis only: repeat the call.
func (s *Store) Unregister(ctx context.Context, key string) error {
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return fmt.Errorf("unregister key: %w", err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), WriteTimeout)
	defer cancel()
	out, err := s.DynamoDB.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:    aws.String(s.Table),
		Key:          map[string]types.AttributeValue{KeyAttribute: &types.AttributeValueMemberS{Value: key}},
		ReturnValues: types.ReturnValueAllOld,
	})
	if err != nil {
		return fmt.Errorf("unregister key in %s: %w", s.Table, err)
	}
	removed, err := s.follow(ctx, opUnregister, key, out.Attributes != nil)
	if err != nil {
		return fmt.Errorf("unregister key in redis: %w", err)
	}
	if out.Attributes == nil && !removed {
		return ErrNotRegistered
	}
	return nil
}

// The operations of changeScript.
const (
	opRegister   = "register"
	opUnregister = "unregister"
	opRestore    = "restore"
)

// follow applies a change of the table to the hash (changeScript). A
// hash not loaded is loaded first, by a scan that follows the table write,
// and the change applied again: a load in another process may have
// scanned the table before the write and written its keys after the
// script found the hash not loaded. changed reports whether the hash
// gained or lost the key. A restore does not load the hash. tableChanged
// says whether the table write added or removed the item: a call that
// changed neither the table nor the hash leaves the version counter as it
// is, so a client repeating a registration aborts no reconcile.
func (s *Store) follow(ctx context.Context, op, key string, tableChanged bool) (changed bool, err error) {
	table := "0"
	if tableChanged {
		table = "1"
	}
	for attempt := 1; ; attempt++ {
		n, err := changeScript.Run(ctx, s.Redis, []string{RegisteredKeysHash, RegisteredKeysVersion, key}, op, key, table).Int()
		switch {
		case err != nil:
			return false, err
		case n >= 0 || op == opRestore:
			return n > 0, nil
		case attempt == reconcileAttempts:
			return false, fmt.Errorf("redis was emptied during each of %d attempts", attempt)
		}
		if _, err := s.loadedKeys(ctx); err != nil {
			return false, err
		}
	}
}

// changeScript: KEYS[1] the registered keys hash, KEYS[2] its version
// counter, KEYS[3] the key's message list; ARGV[1] the operation
// (register, unregister, restore), ARGV[2] the key, ARGV[3] "1" when the
// table write changed the table. It returns -1 when the hash is not
// loaded (and leaves it alone, but for dropping the list of an
// unregistered key), else the number of fields added or removed; when the
// table or the hash changed, it increments the counter: a reconcile under
// way sees the change and starts again.
var changeScript = redis.NewScript(`
if ARGV[1] == 'unregister' then redis.call('DEL', KEYS[3]) end
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local n
if ARGV[1] == 'unregister' then
  n = redis.call('HDEL', KEYS[1], ARGV[2])
else
  n = redis.call('HSET', KEYS[1], ARGV[2], '')
end
if n > 0 or ARGV[3] == '1' then redis.call('INCR', KEYS[2]) end
return n
`)

// Messages returns the key's recent messages, newest first.
func (s *Store) Messages(ctx context.Context, key string) ([]pushlog.Entry, error) {
	items, err := s.Redis.LRange(ctx, key, 0, MaxMessages-1).Result()
	if err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	entries := make([]pushlog.Entry, 0, len(items))
	for _, item := range items {
		var e pushlog.Entry
		if err := json.Unmarshal([]byte(item), &e); err != nil {
			return nil, fmt.Errorf("read messages: entry %q: %w", item, err)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// Push merges entries into the key's list in one atomic step (a Redis
// script, one round trip): the list stays sorted newest first, an entry
// whose id is already there is not added again, and the list is trimmed to
// MaxMessages. So a retried or repeated log object, or objects processed
// out of order, leave the same list. entries come newest first; among equal
// timestamps, earlier in entries counts as newer, and new entries count as
// newer than listed ones.
func (s *Store) Push(ctx context.Context, key string, entries []pushlog.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	// The new entries go as id, timestamp, JSON triples, so the script
	// decodes only the entries already listed.
	args := make([]interface{}, 0, 3*len(entries)+1)
	args = append(args, MaxMessages)
	for _, e := range entries {
		data, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode entry: %w", err)
		}
		args = append(args, e.ID, e.Timestamp, data)
	}
	if err := mergeScript.Run(ctx, s.Redis, []string{key, RegisteredKeysHash}, args...).Err(); err != nil {
		return fmt.Errorf("push messages of key: %w", err)
	}
	return nil
}

// mergeScript: KEYS[1] the list, KEYS[2] the registered keys hash, ARGV[1]
// the list's length limit, ARGV[2..] the new entries, newest first, as id,
// timestamp, JSON triples. A key no longer registered gets no list (an
// unregister may have run since the keys were read). Of two entries with
// one id the older stays (a message's delivery line and its timings, 2 ms
// later, may come in different objects, in either order). Listed entries
// that are not JSON objects with an id are dropped.
var mergeScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[2], KEYS[1]) == 0 then return 0 end
local limit = tonumber(ARGV[1])
local items, seen = {}, {}
local function add(id, ts, raw)
  if id == nil then return end
  ts = tonumber(ts) or 0
  local i = seen[id]
  if i then
    if ts < items[i].ts then items[i].ts, items[i].raw = ts, raw end
    return
  end
  items[#items + 1] = {ts = ts, rank = #items + 1, raw = raw}
  seen[id] = #items
end
for i = 2, #ARGV, 3 do add(ARGV[i], ARGV[i + 1], ARGV[i + 2]) end
for _, raw in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local ok, e = pcall(cjson.decode, raw)
  if ok and type(e) == 'table' then add(e.id, e.timestamp, raw) end
end
table.sort(items, function(a, b)
  if a.ts ~= b.ts then return a.ts > b.ts end
  return a.rank < b.rank
end)
redis.call('DEL', KEYS[1])
local out = {}
for i = 1, math.min(limit, #items) do out[i] = items[i].raw end
if #out > 0 then redis.call('RPUSH', KEYS[1], unpack(out)) end
return #out
`)

// PingRedis checks Redis, for health checks.
func (s *Store) PingRedis(ctx context.Context) error {
	if err := s.Redis.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

// PingDynamoDB checks the push messages table with a read the store's IAM
// role allows (GetItem), for health checks.
func (s *Store) PingDynamoDB(ctx context.Context) error {
	if _, err := s.DynamoDB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.Table),
		Key:       map[string]types.AttributeValue{KeyAttribute: &types.AttributeValueMemberS{Value: "__heartbeat__"}},
	}); err != nil {
		return fmt.Errorf("dynamodb: %w", err)
	}
	return nil
}

// NewRedis returns a client for the Redis at addr ("host:port"): TLS when
// useTLS (ElastiCache in-transit encryption), the AUTH token when set.
func NewRedis(addr, authToken string, useTLS bool) *redis.Client {
	opts := &redis.Options{Addr: addr, Password: authToken}
	if useTLS {
		host, _, _ := strings.Cut(addr, ":")
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	}
	return redis.NewClient(opts)
}

// lockAll takes every key's lock, in order (a call on one key holds one
// lock and never waits for another, so this cannot deadlock), and returns
// their unlock.
func (s *Store) lockAll(ctx context.Context) (func(), error) {
	s.initLocks()
	held := 0
	unlock := func() {
		for _, slot := range s.keyLocks[:held] {
			<-slot
		}
	}
	for _, slot := range s.keyLocks {
		select {
		case slot <- struct{}{}:
			held++
		case <-ctx.Done():
			unlock()
			return nil, ctx.Err()
		}
	}
	return unlock, nil
}

func (s *Store) initLocks() {
	s.locksOnce.Do(func() {
		for i := range s.keyLocks {
			s.keyLocks[i] = make(chan struct{}, 1)
		}
	})
}

// lock waits for key's lock, or for ctx to end, and returns its unlock.
// A ctx already done gets its error even when the lock is free, so a call
// whose caller has gone writes nothing.
func (s *Store) lock(ctx context.Context, key string) (func(), error) {
	s.initLocks()
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	slot := s.keyLocks[h.Sum32()%uint32(len(s.keyLocks))]
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case slot <- struct{}{}:
		return func() { <-slot }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
