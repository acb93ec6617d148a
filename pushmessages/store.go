// Package pushmessages keeps the registered VAPID keys and each key's recent
// messages: the data of the Push Messages API (reference:
// processor-and-messages-api.md). DynamoDB holds the durable list of
// registered keys; Redis caches it in the hash "registered_keys" and holds,
// per key, a list of its newest messages. Redis can be lost (a failover):
// the store refills the hash from DynamoDB when it finds it empty.
package pushmessages

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/redis/go-redis/v9"

	"github.com/push-turnkey/push-turnkey/pushlog"
)

const (
	// RegisteredKeysHash is the Redis hash of registered keys: field = key,
	// value empty.
	RegisteredKeysHash = "registered_keys"
	// MaxMessages is the length of each key's list, newest first.
	MaxMessages = 100
	// KeyAttribute is the partition key (S) of the push messages table.
	KeyAttribute = "public_key"
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
type Store struct {
	Redis    redis.UniversalClient
	DynamoDB DynamoDB
	Table    string // the push messages table

	// DynamoDB is the truth and Redis follows it, so the writes of both
	// for one key must not interleave with another request's: keyLocks
	// serialise them per key (striped), and refill, which writes every
	// key, waits for them all. That holds within one process (the Messages
	// API instance). The processor Lambda is another: it writes keys only
	// when it refills an empty hash after a failover, as one transaction,
	// and its merges skip keys no longer registered; an unregister racing
	// that refill can leave its key in Redis until the next refill.
	keyLocks [64]sync.Mutex
	refill   sync.RWMutex
}

// RegisteredKeys returns every registered key. When the Redis hash is empty
// it is refilled from DynamoDB first.
func (s *Store) RegisteredKeys(ctx context.Context) (map[string]bool, error) {
	keys, err := s.Redis.HKeys(ctx, RegisteredKeysHash).Result()
	if err != nil {
		return nil, fmt.Errorf("read registered keys from redis: %w", err)
	}
	if len(keys) == 0 {
		if keys, err = s.Refill(ctx); err != nil {
			return nil, err
		}
	}
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set, nil
}

// Refill copies every key of the DynamoDB table into the Redis hash and
// returns them.
func (s *Store) Refill(ctx context.Context) ([]string, error) {
	s.refill.Lock()
	defer s.refill.Unlock()
	var keys []string
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
	if len(keys) == 0 {
		return nil, nil
	}
	fields := make([]interface{}, 0, 2*len(keys))
	for _, k := range keys {
		fields = append(fields, k, "")
	}
	// Replace the hash whole, in one transaction: a key the table lost
	// since goes too.
	if _, err := s.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, RegisteredKeysHash)
		p.HSet(ctx, RegisteredKeysHash, fields...)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("refill registered keys in redis: %w", err)
	}
	return keys, nil
}

// IsRegistered reports whether key is registered, asking DynamoDB (and
// restoring the Redis entry) when Redis does not know it.
func (s *Store) IsRegistered(ctx context.Context, key string) (bool, error) {
	ok, err := s.Redis.HExists(ctx, RegisteredKeysHash, key).Result()
	if err != nil {
		return false, fmt.Errorf("look up key in redis: %w", err)
	}
	if ok {
		return true, nil
	}
	defer s.lock(key)() // the restore below writes Redis from the table
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
	if err := s.Redis.HSet(ctx, RegisteredKeysHash, key, "").Err(); err != nil {
		return false, fmt.Errorf("restore key in redis: %w", err)
	}
	return true, nil
}

// Register records key in DynamoDB, then in Redis. Registering a key twice
// is not an error.
func (s *Store) Register(ctx context.Context, key string) error {
	defer s.lock(key)()
	if _, err := s.DynamoDB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.Table),
		Item:      map[string]types.AttributeValue{KeyAttribute: &types.AttributeValueMemberS{Value: key}},
	}); err != nil {
		return fmt.Errorf("register key in %s: %w", s.Table, err)
	}
	if err := s.Redis.HSet(ctx, RegisteredKeysHash, key, "").Err(); err != nil {
		return fmt.Errorf("register key in redis: %w", err)
	}
	return nil
}

// ErrNotRegistered is returned for a key that is not registered.
var ErrNotRegistered = errors.New("key is not registered")

// Unregister removes key from DynamoDB and Redis, with its messages. It
// returns ErrNotRegistered for an unknown key.
func (s *Store) Unregister(ctx context.Context, key string) error {
	defer s.lock(key)()
	out, err := s.DynamoDB.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:    aws.String(s.Table),
		Key:          map[string]types.AttributeValue{KeyAttribute: &types.AttributeValueMemberS{Value: key}},
		ReturnValues: types.ReturnValueAllOld,
	})
	if err != nil {
		return fmt.Errorf("unregister key in %s: %w", s.Table, err)
	}
	removed, err := s.Redis.HDel(ctx, RegisteredKeysHash, key).Result()
	if err != nil {
		return fmt.Errorf("unregister key in redis: %w", err)
	}
	if err := s.Redis.Del(ctx, key).Err(); err != nil {
		return fmt.Errorf("drop messages of key: %w", err)
	}
	if out.Attributes == nil && removed == 0 {
		return ErrNotRegistered
	}
	return nil
}

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

// lock takes key's lock (and holds off a refill) and returns its unlock.
func (s *Store) lock(key string) func() {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	m := &s.keyLocks[h.Sum32()%uint32(len(s.keyLocks))]
	s.refill.RLock()
	m.Lock()
	return func() {
		m.Unlock()
		s.refill.RUnlock()
	}
}
