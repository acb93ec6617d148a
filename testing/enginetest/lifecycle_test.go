package enginetest

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
)

// TestLifecycle walks the README's lifecycle through the real engine:
// the example stack as written, an idle second preview, growing to the
// processor tier, the key only encrypted in the state, the processor off
// and on again, destroy keeping the stores, and a new stack taking them
// over with the old key.
func TestLifecycle(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	const prefix = "push-dev" // Pulumi.dev.yaml's tablePrefix

	// 1. The example stack, as the README deploys it.
	dev := e.stack(t, "dev")
	_, err := dev.Preview(ctx)
	require.NoError(t, err, "pulumi preview on Pulumi.dev.yaml")
	first, _ := up(t, dev)
	key := outputString(t, first, "cryptoKey")
	assert.True(t, first.Outputs["cryptoKey"].Secret, "cryptoKey is a secret output")
	assert.Len(t, key, 44, "a Fernet key")

	// 2. Nothing changed, nothing to do.
	expectNoChanges(t, dev)

	// 3. Grow to the processor tier: no store is replaced or deleted.
	before := creations(e.world(t), prefix)
	setConfig(t, dev, map[string]string{"push-turnkey:processor": "true"})
	grown, steps := up(t, dev)
	assert.Empty(t, steps.statefulSteps(), "turning the processor on replaces or deletes no store")
	assert.Equal(t, key, outputString(t, grown, "cryptoKey"), "the key stays")
	after := creations(e.world(t), prefix)
	for store, serial := range before {
		assert.Equal(t, serial, after[store], "%s is the same one", store)
	}
	expectNoChanges(t, dev)

	// 4. The state holds the key only encrypted.
	// (No state text in the messages: it would print the key.)
	state := e.exported(t, dev)
	assert.False(t, strings.Contains(state, key), "the crypto key is in plain text in pulumi stack export")
	assert.True(t, strings.Contains(state, `"ciphertext"`), "pulumi stack export holds encrypted secrets")
	assert.False(t, strings.Contains(state, `"plaintext"`), "pulumi stack export holds a decrypted secret")

	// 5. The processor off and on again: the push messages table, with its
	// registered keys, is the same table.
	messages := "aws:dynamodb/table:Table " + prefix + "_push_messages"
	e.edit(t, func(w *fakeaws.World) error {
		w.Find("aws:dynamodb/table:Table", prefix+"_push_messages").Items = []string{"registered VAPID key"}
		return nil
	})
	created := creations(e.world(t), prefix)[messages]
	require.NotZero(t, created, "the push messages table exists")
	setConfig(t, dev, map[string]string{"push-turnkey:processor": "false"})
	_, steps = up(t, dev)
	assert.Empty(t, steps.statefulSteps(), "turning the processor off deletes no store")
	assert.Equal(t, created, creations(e.world(t), prefix)[messages], "the push messages table is retained")
	setConfig(t, dev, map[string]string{"push-turnkey:processor": "true"})
	_, steps = up(t, dev)
	assert.Empty(t, steps.statefulSteps())
	assert.Contains(t, steps.opsOf("::push-processor-messages"), apitype.OpImport, "the retained table is taken over")
	assert.Equal(t, created, creations(e.world(t), prefix)[messages], "the same push messages table")
	assert.Equal(t, []string{"registered VAPID key"}, e.world(t).Find("aws:dynamodb/table:Table", prefix+"_push_messages").Items)
	expectNoChanges(t, dev)

	// 6. Destroy: finishes on its own and leaves exactly the stores.
	kept := creations(e.world(t), prefix)
	_, err = dev.Destroy(ctx)
	require.NoError(t, err, "pulumi destroy")
	w := e.world(t)
	assert.Equal(t, kept, creations(w, prefix), "every store is still there, the same one")
	var left []string
	for _, o := range w.Resources {
		left = append(left, o.Type+" "+o.ID)
	}
	assert.Len(t, left, len(kept), "only the stores are left: %v", left)

	// 7. A new stack on the old prefix takes the stores over, once told
	// the old stack is gone, with the old key; a store that does not exist
	// is created.
	e.edit(t, func(w *fakeaws.World) error {
		delete(w.Resources, "aws:dynamodb/table:Table "+prefix+"_push_messages")
		return nil
	})
	e.edit(t, func(w *fakeaws.World) error {
		w.Find("aws:dynamodb/table:Table", prefix+"_router").Items = []string{"subscriber"}
		return nil
	})
	prod := e.stack(t, "prod")
	setConfig(t, prod, map[string]string{
		"aws:region": "us-east-1", "push-turnkey:tablePrefix": prefix, "push-turnkey:processor": "true",
		"push-turnkey:tableDeletionProtection": "false",
	})
	// The tables still carry stack=dev: without being told dev is gone,
	// prod refuses them, before any resource is made.
	serial := e.world(t).Serial
	_, err = prod.Up(ctx)
	require.Error(t, err, "another stack's tables are not taken silently")
	assert.Contains(t, err.Error(), "pulumi config set takeOverFrom dev")
	assert.Equal(t, serial, e.world(t).Serial, "nothing was created")
	setConfig(t, prod, map[string]string{"push-turnkey:takeOverFrom": "dev"})
	adopted, steps := up(t, prod)
	assert.Equal(t, key, outputString(t, adopted, "cryptoKey"), "the old subscribers' key")
	assert.Empty(t, steps.statefulSteps())
	for _, name := range []string{"push-tables-router", "push-tables-message", "crypto-key", "push-logs"} {
		assert.Contains(t, steps.opsOf("::"+name), apitype.OpImport, "%s is imported", name)
	}
	assert.Contains(t, steps.opsOf("::push-processor-messages"), apitype.OpCreate, "the missing table is created")
	now := creations(e.world(t), prefix)
	for store, serial := range kept {
		if store != messages {
			assert.Equal(t, serial, now[store], "%s is the old one", store)
		}
	}
	assert.Equal(t, []string{"subscriber"}, e.world(t).Find("aws:dynamodb/table:Table", prefix+"_router").Items)
	expectNoChanges(t, prod)

	// 8. Both stacks go.
	destroy(t, prod)
	destroy(t, dev)
	stacks, err := dev.Workspace().ListStacks(ctx)
	require.NoError(t, err)
	assert.Empty(t, stacks, "pulumi stack rm removed both stacks")
}
