package testservers

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/push-turnkey/push-turnkey/services/pushmessages"
)

// Env holds the servers of one test binary.
type Env struct {
	Redis, Dynalite *Server
}

// Run starts redis-server and dynalite, runs the tests and stops them; use
// it from TestMain: os.Exit(testservers.Run(m, &env)). A server that cannot
// start fails the whole run: these tests never skip.
func Run(m *testing.M, env *Env) int {
	// Tests stop Redis on purpose; go-redis's line for each failed dial
	// would read as a failure in the test command's output.
	redis.SetLogger(quiet{})
	var err error
	if env.Redis, err = Redis(); err != nil {
		fmt.Fprintln(os.Stderr, "testservers:", err)
		return 1
	}
	defer env.Redis.Stop()
	if env.Dynalite, err = Dynalite(); err != nil {
		fmt.Fprintln(os.Stderr, "testservers:", err)
		return 1
	}
	defer env.Dynalite.Stop()
	return m.Run()
}

// quiet is a go-redis logger that says nothing.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...interface{}) {}

var unsafeTableChars = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// Store returns a push messages store on an empty Redis and a new table
// named after the test.
func (env *Env) Store(t testing.TB) *pushmessages.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rdb := redis.NewClient(&redis.Options{Addr: env.Redis.Addr})
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.FlushAll(ctx).Err(); err != nil {
		t.Fatalf("flush redis: %v", err)
	}
	table := unsafeTableChars.ReplaceAllString(t.Name(), "_")
	if len(table) > 200 {
		table = table[:200]
	}
	ddb := DynamoDBClient(env.Dynalite.Addr)
	if err := CreateTable(ctx, ddb, table, pushmessages.KeyAttribute); err != nil {
		t.Fatal(err)
	}
	return &pushmessages.Store{Redis: rdb, DynamoDB: ddb, Table: table}
}
