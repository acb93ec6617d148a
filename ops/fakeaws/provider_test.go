package fakeaws

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
)

const tableURN = "urn:pulumi:dev::push-turnkey::push-turnkey:storage:PushTables$aws:dynamodb/table:Table::push-tables-router"

func newAWS(t *testing.T) (*Provider, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "account.json")
	p, err := NewProvider("aws", path)
	require.NoError(t, err)
	return p, path
}

func props(t *testing.T, m map[string]interface{}) *structpb.Struct {
	t.Helper()
	s, err := mustMarshal(resource.NewPropertyMapFromMap(m))
	require.NoError(t, err)
	return s
}

func tableInputs(name string, protected bool) map[string]interface{} {
	return map[string]interface{}{
		"name": name, "hashKey": "uaid", "billingMode": "PAY_PER_REQUEST",
		"attributes":                []interface{}{map[string]interface{}{"name": "uaid", "type": "S"}},
		"deletionProtectionEnabled": protected,
	}
}

// TestCheckRefusesWhatTheRealProviderWould: an input the pulumi-aws type
// does not have, or one of another type, fails Check with its path named.
func TestCheckRefusesWhatTheRealProviderWould(t *testing.T) {
	p, _ := newAWS(t)
	good := tableInputs("push_router", true)
	resp, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: tableURN, News: props(t, good)})
	require.NoError(t, err)
	assert.Empty(t, resp.GetFailures())

	bad := tableInputs("push_router", true)
	bad["hashkey"] = "uaid"         // a typo of hashKey
	bad["billingMode"] = 3.0        // a number for a string
	bad["ttl"] = []interface{}{"x"} // a list for an object
	bad["pointInTimeRecovery"] = map[string]interface{}{"enable": true}
	resp, err = p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: tableURN, News: props(t, bad)})
	require.NoError(t, err)
	var reasons []string
	for _, f := range resp.GetFailures() {
		reasons = append(reasons, f.GetReason())
	}
	assert.ElementsMatch(t, []string{
		"aws:dynamodb/table:Table billingMode: want a string, got number",
		"aws:dynamodb/table:Table hashkey: not an input of this type",
		"aws:dynamodb/table:Table pointInTimeRecovery.enable: not an input of this type",
		"aws:dynamodb/table:Table ttl: want an object, got []",
	}, reasons)

	_, err = p.Check(context.Background(), &pulumirpc.CheckRequest{
		Urn: "urn:pulumi:dev::push-turnkey::aws:glue/job:Job::x", News: props(t, map[string]interface{}{}),
	})
	assert.ErrorContains(t, err, "type aws:glue/job:Job is not modelled; add it to the glueTypes table of ops/fakeaws/aws_glue.go (a new file's table also goes into awsTypes in ops/fakeaws/types.go)")
}

// TestAccountRulesHold: a name in use "already exists", a protected table
// refuses deletion, Read finds what exists and nothing else, and the
// account outlives the provider.
func TestAccountRulesHold(t *testing.T) {
	ctx := context.Background()
	p, path := newAWS(t)
	created, err := p.Create(ctx, &pulumirpc.CreateRequest{Urn: tableURN, Properties: props(t, tableInputs("push_router", true))})
	require.NoError(t, err)
	assert.Equal(t, "push_router", created.GetId(), "a table's ID is its name")

	_, err = p.Create(ctx, &pulumirpc.CreateRequest{Urn: tableURN, Properties: props(t, tableInputs("push_router", false))})
	assert.ErrorContains(t, err, "ResourceInUseException: Table already exists: push_router")

	_, err = p.Delete(ctx, &pulumirpc.DeleteRequest{Urn: tableURN, Id: "push_router"})
	assert.ErrorContains(t, err, "protected against deletion")

	again, err := NewProvider("aws", path)
	require.NoError(t, err)
	read, err := again.Read(ctx, &pulumirpc.ReadRequest{Urn: tableURN, Id: "push_router"})
	require.NoError(t, err)
	assert.Equal(t, "push_router", read.GetId())
	assert.Equal(t, "uaid", read.GetInputs().GetFields()["hashKey"].GetStringValue())
	missing, err := again.Read(ctx, &pulumirpc.ReadRequest{Urn: tableURN, Id: "push_message"})
	require.NoError(t, err)
	assert.Empty(t, missing.GetId(), "no table, no ID")
}

// TestABucketWithObjectsRefusesDeletion: S3's DeleteBucket fails with
// BucketNotEmpty while an object is in the bucket, and succeeds once it is
// gone or with forceDestroy.
func TestABucketWithObjectsRefusesDeletion(t *testing.T) {
	ctx := context.Background()
	p, _ := newAWS(t)
	const bucketURN = "urn:pulumi:dev::push-turnkey::aws:s3/bucketV2:BucketV2::push-logs"
	const objectURN = "urn:pulumi:dev::push-turnkey::aws:s3/bucketObjectv2:BucketObjectv2::settings"
	_, err := p.Create(ctx, &pulumirpc.CreateRequest{Urn: bucketURN, Properties: props(t, map[string]interface{}{"bucket": "push-logs-1"})})
	require.NoError(t, err)
	object, err := p.Create(ctx, &pulumirpc.CreateRequest{Urn: objectURN, Properties: props(t, map[string]interface{}{"bucket": "push-logs-1", "key": "a"})})
	require.NoError(t, err)

	_, err = p.Delete(ctx, &pulumirpc.DeleteRequest{Urn: bucketURN, Id: "push-logs-1"})
	assert.ErrorContains(t, err, "BucketNotEmpty")
	_, err = p.Delete(ctx, &pulumirpc.DeleteRequest{Urn: objectURN, Id: object.GetId()})
	require.NoError(t, err)
	_, err = p.Delete(ctx, &pulumirpc.DeleteRequest{Urn: bucketURN, Id: "push-logs-1"})
	assert.NoError(t, err, "an empty bucket goes")
}

// TestDiffReplacesOnlyOnReplaceForcingInputs: a new hash key replaces the
// table (deleted first: the program names it), a new billing mode does
// not.
func TestDiffReplacesOnlyOnReplaceForcingInputs(t *testing.T) {
	p, _ := newAWS(t)
	old := props(t, tableInputs("push_router", false))
	rekeyed := tableInputs("push_router", false)
	rekeyed["hashKey"] = "id"
	diff, err := p.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: tableURN, OldInputs: old, Olds: old, News: props(t, rekeyed)})
	require.NoError(t, err)
	assert.Equal(t, []string{"hashKey"}, diff.GetReplaces())
	assert.True(t, diff.GetDeleteBeforeReplace())

	billed := tableInputs("push_router", false)
	billed["billingMode"] = "PROVISIONED"
	diff, err = p.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: tableURN, OldInputs: old, Olds: old, News: props(t, billed)})
	require.NoError(t, err)
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_SOME, diff.GetChanges())
	assert.Equal(t, []string{"billingMode"}, diff.GetDiffs())
	assert.Empty(t, diff.GetReplaces())
}

// TestAutoNameIsTheBridgedProvidersAndKept: a resource the program does
// not name gets the name pulumi-aws would give it for the engine's random
// seed (resource.NewUniqueName with the seed, as the bridge calls it), and
// keeps it when the seed changes.
func TestAutoNameIsTheBridgedProvidersAndKept(t *testing.T) {
	p, _ := newAWS(t)
	urn := "urn:pulumi:dev::push-turnkey::aws:sqs/queue:Queue::failed-events"
	seed := []byte{1, 2, 3, 4}
	first, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn, News: props(t, map[string]interface{}{}), RandomSeed: seed})
	require.NoError(t, err)
	name := first.GetInputs().GetFields()["name"].GetStringValue()
	bridged, err := resource.NewUniqueName(seed, "failed-events-", 7, 80, nil)
	require.NoError(t, err)
	assert.Equal(t, bridged, name)
	second, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn, Olds: first.GetInputs(), News: props(t, map[string]interface{}{}), RandomSeed: []byte{9, 9, 9, 9}})
	require.NoError(t, err)
	assert.Equal(t, name, second.GetInputs().GetFields()["name"].GetStringValue())
}

// TestEveryInputOfARandomValueReplacesIt: the random plugin replaces on a
// change of any input, and updates on none.
func TestEveryInputOfARandomValueReplacesIt(t *testing.T) {
	p, err := NewProvider("random", "")
	require.NoError(t, err)
	urn := "urn:pulumi:dev::push-turnkey::random:index/randomPassword:RandomPassword::token"
	old := props(t, map[string]interface{}{"length": 32.0, "special": false})
	for _, change := range []map[string]interface{}{{"length": 40.0, "special": false}, {"length": 32.0, "special": true}} {
		diff, err := p.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: urn, OldInputs: old, Olds: old, News: props(t, change)})
		require.NoError(t, err)
		assert.NotEmpty(t, diff.GetReplaces(), "%v", change)
		assert.Equal(t, diff.GetDiffs(), diff.GetReplaces())
	}
	same, err := p.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: urn, OldInputs: old, Olds: old, News: old})
	require.NoError(t, err)
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_NONE, same.GetChanges())
}
