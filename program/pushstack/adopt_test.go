package pushstack_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// retainedAccount is an account where a destroyed processor stack with
// prefix left every store: its three tables, the key parameter holding
// keys, and the log bucket.
func retainedAccount(prefix, keys string) plan.Account {
	return plan.Account{
		Tables:     []string{prefix + "_router", prefix + "_message", prefix + "_push_messages", "someone-elses_router"},
		Parameters: map[string]string{"/push-turnkey/" + prefix + "/crypto-key": keys},
		Buckets:    []string{prefix + "-logs-" + plan.MockAccountID},
	}
}

func imports(p *plan.Plan) map[string]string {
	out := map[string]string{}
	for _, r := range p.Resources {
		if r.Options.ImportID != "" {
			out[r.Type+" "+r.Name] = r.Options.ImportID
		}
	}
	return out
}

// TestRetainedStoresAreImported: a new stack on an old prefix imports, by
// its physical ID, every store the old stack retained (each of them
// retained again), and nothing else; it takes the old key from the
// parameter. The bucket's settings are put again, not imported (a missing
// one must not block the take-over), and are retained too.
func TestRetainedStoresAreImported(t *testing.T) {
	oldKey := mockGeneratedKey()
	stack := stackFor(map[string]string{"processor": "true", "tablePrefix": "push-old"}, nil)
	stack.Account = retainedAccount("push-old", oldKey)
	p, err := plan.Run(stack)
	require.NoError(t, err)
	bucket := "push-old-logs-" + plan.MockAccountID
	assert.Equal(t, map[string]string{
		"aws:dynamodb/table:Table push-tables-router":      "push-old_router",
		"aws:dynamodb/table:Table push-tables-message":     "push-old_message",
		"aws:dynamodb/table:Table push-processor-messages": "push-old_push_messages",
		"aws:ssm/parameter:Parameter crypto-key":           "/push-turnkey/push-old/crypto-key",
		"aws:s3/bucketV2:BucketV2 push-logs":               bucket,
	}, imports(p))
	for _, r := range p.Resources {
		if r.Options.ImportID != "" || (r.Name == "push-logs" && strings.HasPrefix(r.Type, "aws:s3/")) {
			assert.True(t, r.Options.RetainOnDelete, "%s %s is retained", r.Type, r.Name)
		}
	}

	// The old key is what the imported parameter holds and what the stack
	// hands out: old subscriptions keep working.
	param := one(t, p, "aws:ssm/parameter:Parameter", "crypto-key")
	assert.Equal(t, oldKey, param.Inputs["value"].SecretValue().Element.StringValue())
	assert.Equal(t, oldKey, p.Outputs["cryptoKey"].Value)

	// A new account imports nothing.
	for _, r := range runPlan(t, configs["processor"], nil).Resources {
		assert.Empty(t, r.Options.ImportID, "%s %s", r.Type, r.Name)
	}
}

// TestMissingStoresAreCreated: only the stores that exist are imported.
func TestMissingStoresAreCreated(t *testing.T) {
	stack := stackFor(map[string]string{"processor": "true", "tablePrefix": "push-old"}, map[string]string{"cryptoKey": mockGeneratedKey()})
	stack.Account = plan.Account{Tables: []string{"push-old_router"}}
	p, err := plan.Run(stack)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"aws:dynamodb/table:Table push-tables-router": "push-old_router"}, imports(p))
}

// TestRetainedRotationKeysAreKept: a parameter that holds a rotation
// (current key, then older ones) is taken over whole.
func TestRetainedRotationKeysAreKept(t *testing.T) {
	current, older := mockGeneratedKey(), "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="
	stack := stackFor(map[string]string{"tablePrefix": "push-old"}, nil)
	stack.Account = retainedAccount("push-old", current+","+older)
	p, err := plan.Run(stack)
	require.NoError(t, err)
	param := one(t, p, "aws:ssm/parameter:Parameter", "crypto-key")
	assert.Equal(t, current+","+older, param.Inputs["value"].SecretValue().Element.StringValue())
	assert.Equal(t, current, p.Outputs["cryptoKey"].Value)
}

// TestConfiguredKeyMustKeepTheRetainedOne: a cryptoKey that leaves out the
// key the retained parameter issues endpoints with is refused; keeping it
// as a previous key (a rotation) is fine.
func TestConfiguredKeyMustKeepTheRetainedOne(t *testing.T) {
	oldKey, newKey := mockGeneratedKey(), "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="
	stack := stackFor(map[string]string{"tablePrefix": "push-old"}, map[string]string{"cryptoKey": newKey})
	stack.Account = retainedAccount("push-old", oldKey)
	_, err := plan.Run(stack)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config push-turnkey:cryptoKey: leaves out the key that /push-turnkey/push-old/crypto-key")
	assert.NotContains(t, err.Error(), oldKey, "the message never shows a key")

	stack = stackFor(map[string]string{"tablePrefix": "push-old"},
		map[string]string{"cryptoKey": newKey, "previousCryptoKeys": `["` + oldKey + `"]`})
	stack.Account = retainedAccount("push-old", oldKey)
	p, err := plan.Run(stack)
	require.NoError(t, err)
	param := one(t, p, "aws:ssm/parameter:Parameter", "crypto-key")
	assert.Equal(t, newKey+","+oldKey, param.Inputs["value"].SecretValue().Element.StringValue())
}

func TestPlanShowsImportIDs(t *testing.T) {
	stack := stackFor(nil, nil)
	stack.Account = retainedAccount("push-test", mockGeneratedKey())
	p, err := plan.Run(stack)
	require.NoError(t, err)
	doc := plan.Document(p)
	for _, r := range doc.Resources {
		if r.Name == "push-tables-router" {
			assert.Equal(t, "push-test_router", r.Options.ImportID)
			return
		}
	}
	t.Fatal("router table not in the plan")
}

// TestAnotherStacksTablesNeedTakeOverFrom: tables tagged with another
// stack's name are that stack's: taken over only with takeOverFrom naming
// it, and refused before any resource is registered.
func TestAnotherStacksTablesNeedTakeOverFrom(t *testing.T) {
	stack := stackFor(map[string]string{"tablePrefix": "push-old"}, nil)
	stack.Account = retainedAccount("push-old", mockGeneratedKey())
	stack.Account.TableOwner = "prod"
	p, err := plan.Run(stack)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config push-turnkey:takeOverFrom: the tables of prefix push-old belong to stack prod")
	assert.Contains(t, err.Error(), "pulumi config set takeOverFrom prod")
	assert.Nil(t, p)

	stack.Config["push-turnkey:takeOverFrom"] = "prod"
	_, err = plan.Run(stack)
	assert.NoError(t, err)
	stack.Account.TableOwner = "test" // its own tables
	delete(stack.Config, "push-turnkey:takeOverFrom")
	_, err = plan.Run(stack)
	assert.NoError(t, err)
}
