package enginetest

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
	"github.com/push-turnkey/push-turnkey/ops/purge"
)

// TestLifecycle walks the README's lifecycle through the real engine:
// the example stack as written, an idle second preview, growing to the
// processor tier, the key only encrypted in the state, the processor off
// and on again, destroy keeping the stores, a new stack taking them
// over with the old key by the README's commands (same prefix, the old
// tiers, takeOverFrom), and the purge deleting them for good once both
// stacks are gone (cmd/purge's library on the world destroy left).
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
	api := e.world(t).OfType("aws:ec2/instance:Instance")
	require.Len(t, api, 1, "the Messages API's instance")
	assert.Contains(t, e.apiLogs.instancesAsked(), api[0].ID, "pulumi up waited for the API on its new instance to serve")
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
	// A destroyed stack (not removed) holds no resource: the purge lists
	// its stores (deleting nothing without -confirm).
	stores := newAccountStores(t, e)
	purgeOf := func(stack string, out io.Writer) *purge.Purge {
		return &purge.Purge{Prefix: prefix, StackName: stack, Stack: e.pulumiCLI(stack), Account: fakeaws.AccountID,
			DynamoDB: stores, S3: stores, SSM: stores, Out: out, Sleep: func(context.Context, time.Duration) error { return nil }}
	}
	var listed strings.Builder
	require.NoError(t, purgeOf("dev", &listed).Run(ctx, ""))
	assert.Contains(t, listed.String(), "DynamoDB table "+prefix+"_router (")
	assert.Equal(t, kept, creations(e.world(t), prefix), "the listing deleted nothing")

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
	// The README's take-over: the old prefix, the old stack's tiers
	// (firehose brings the bucket back, processor the push messages
	// table), deletion protection left at its default (on).
	prod := e.stack(t, "prod")
	setConfig(t, prod, map[string]string{
		"aws:region": "us-east-1", "push-turnkey:tablePrefix": prefix,
		"push-turnkey:firehose": "true", "push-turnkey:processor": "true",
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

	// 8. Both stacks go; the purge refuses while prod still holds the
	// stores.
	err = purgeOf("prod", io.Discard).Run(ctx, prefix)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stack prod still has")
	assert.Contains(t, err.Error(), "pulumi destroy --stack prod first")
	destroy(t, prod)
	destroy(t, dev)
	stacks, err := dev.Workspace().ListStacks(ctx)
	require.NoError(t, err)
	assert.Empty(t, stacks, "pulumi stack rm removed both stacks")

	// 9. Deleting everything, retained data included.
	purgeEverything(t, e, stores, purgeOf, prefix)
}

// purgeEverything runs the purge on the world the lifecycle leaves: the
// stores of prefix, last held by stack prod, with deletion protection on
// and a versioned log bucket. A naive deletion fails on the account's
// rules; the purge names each store, deletes nothing without its
// confirmation, refuses the stack the tables no longer belong to, and
// with it leaves the account empty.
func purgeEverything(t *testing.T, e *engine, stores *accountStores, purgeOf func(string, io.Writer) *purge.Purge, prefix string) {
	ctx := context.Background()
	bucket := prefix + "-logs-" + fakeaws.AccountID
	stores.put(bucket, 300, 2400) // more versions than one page

	// What a naive purge meets.
	_, err := stores.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	assert.ErrorContains(t, err, "BucketNotEmpty")
	before := stores.count(bucket)
	_, err = stores.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket),
		Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("logs/2026/01/01/0001.gz")}}}})
	require.NoError(t, err)
	assert.Equal(t, before+1, stores.count(bucket), "a delete without a version ID only adds a marker")
	_, err = stores.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(prefix + "_router")})
	assert.ErrorContains(t, err, "protected against deletion")

	err = purgeOf("dev", io.Discard).Run(ctx, prefix)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "belongs to stack prod (its stack tag), not dev")

	var out strings.Builder
	kept := len(e.world(t).Resources)
	require.NoError(t, purgeOf("prod", &out).Run(ctx, ""))
	assert.Equal(t, kept, len(e.world(t).Resources), "nothing deleted without -confirm")
	for _, name := range []string{"S3 bucket " + bucket, "DynamoDB table " + prefix + "_push_messages", "DynamoDB table " + prefix + "_message",
		"DynamoDB table " + prefix + "_router", "SSM parameter /push-turnkey/" + prefix + "/crypto-key"} {
		assert.Contains(t, out.String(), "  "+name+" (", "the purge names %s", name)
	}
	assert.Contains(t, out.String(), "deletion protection on")
	assert.Contains(t, out.String(), "add -confirm "+prefix)
	assert.ErrorContains(t, purgeOf("prod", io.Discard).Run(ctx, "push-prod"), "is not the prefix")

	out.Reset()
	require.NoError(t, purgeOf("prod", &out).Run(ctx, prefix))
	var left []string
	for k := range e.world(t).Resources {
		left = append(left, k)
	}
	assert.Empty(t, left, "the account is empty")
	assert.Zero(t, stores.count(bucket), "no version or delete marker is left")
	text := out.String()
	for _, name := range []string{"S3 bucket " + bucket, "DynamoDB table " + prefix + "_router", "SSM parameter /push-turnkey/" + prefix + "/crypto-key"} {
		require.Contains(t, text, "deleting "+name)
		assert.Less(t, strings.Index(text, "deleting "+name), strings.Index(text, "deleted "+name), "%s named before it goes", name)
	}
	assert.Less(t, strings.Index(text, "deleted DynamoDB table "+prefix+"_router"), strings.Index(text, "deleting SSM parameter"), "the key goes last")
	require.NoError(t, purgeOf("prod", &out).Run(ctx, prefix), "a second purge finds nothing")
	assert.Contains(t, out.String(), "nothing retained under prefix "+prefix)
}
