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

func newAWS(t *testing.T) *Provider {
	t.Helper()
	p, err := NewProvider("aws", filepath.Join(t.TempDir(), "account.json"))
	require.NoError(t, err)
	return p
}

func props(t *testing.T, m map[string]interface{}) *structpb.Struct {
	t.Helper()
	s, err := mustMarshal(resource.NewPropertyMapFromMap(m))
	require.NoError(t, err)
	return s
}

func table(name string, protected bool) map[string]interface{} {
	return map[string]interface{}{
		"name": name, "hashKey": "uaid", "billingMode": "PAY_PER_REQUEST",
		"attributes":                []interface{}{map[string]interface{}{"name": "uaid", "type": "S"}},
		"deletionProtectionEnabled": protected,
	}
}

// TestCheckRefusesWhatTheRealProviderWould: an input the pulumi-aws type
// does not have, or one of another type, fails Check with its path named.
func TestCheckRefusesWhatTheRealProviderWould(t *testing.T) {
	p := newAWS(t)
	good := table("push_router", true)
	resp, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: tableURN, News: props(t, good)})
	require.NoError(t, err)
	assert.Empty(t, resp.GetFailures())

	bad := table("push_router", true)
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
	assert.ErrorContains(t, err, "type aws:glue/job:Job is not modelled")
}

// TestAccountRulesHold: a name in use "already exists", a protected table
// refuses deletion, Read finds what exists and nothing else, and the
// account outlives the provider.
func TestAccountRulesHold(t *testing.T) {
	ctx := context.Background()
	p := newAWS(t)
	created, err := p.Create(ctx, &pulumirpc.CreateRequest{Urn: tableURN, Properties: props(t, table("push_router", true))})
	require.NoError(t, err)
	assert.Equal(t, "push_router", created.GetId(), "a table's ID is its name")

	_, err = p.Create(ctx, &pulumirpc.CreateRequest{Urn: tableURN, Properties: props(t, table("push_router", false))})
	assert.ErrorContains(t, err, "ResourceInUseException: Table already exists: push_router")

	_, err = p.Delete(ctx, &pulumirpc.DeleteRequest{Urn: tableURN, Id: "push_router"})
	assert.ErrorContains(t, err, "protected against deletion")

	again, err := NewProvider("aws", p.statePath)
	require.NoError(t, err)
	read, err := again.Read(ctx, &pulumirpc.ReadRequest{Urn: tableURN, Id: "push_router"})
	require.NoError(t, err)
	assert.Equal(t, "push_router", read.GetId())
	assert.Equal(t, "uaid", read.GetInputs().GetFields()["hashKey"].GetStringValue())
	missing, err := again.Read(ctx, &pulumirpc.ReadRequest{Urn: tableURN, Id: "push_message"})
	require.NoError(t, err)
	assert.Empty(t, missing.GetId(), "no table, no ID")
}

// TestDiffReplacesOnlyOnReplaceForcingInputs: a new hash key replaces the
// table (deleted first: the program names it), a new billing mode does
// not.
func TestDiffReplacesOnlyOnReplaceForcingInputs(t *testing.T) {
	p := newAWS(t)
	old := props(t, table("push_router", false))
	rekeyed := table("push_router", false)
	rekeyed["hashKey"] = "id"
	diff, err := p.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: tableURN, OldInputs: old, Olds: old, News: props(t, rekeyed)})
	require.NoError(t, err)
	assert.Equal(t, []string{"hashKey"}, diff.GetReplaces())
	assert.True(t, diff.GetDeleteBeforeReplace())

	billed := table("push_router", false)
	billed["billingMode"] = "PROVISIONED"
	diff, err = p.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: tableURN, OldInputs: old, Olds: old, News: props(t, billed)})
	require.NoError(t, err)
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_SOME, diff.GetChanges())
	assert.Equal(t, []string{"billingMode"}, diff.GetDiffs())
	assert.Empty(t, diff.GetReplaces())
}

// TestAutoNameKeepsTheOldName: a resource the program does not name gets
// "<name>-<7 hex>" once, and keeps it.
func TestAutoNameKeepsTheOldName(t *testing.T) {
	p := newAWS(t)
	urn := "urn:pulumi:dev::push-turnkey::aws:sqs/queue:Queue::failed-events"
	first, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn, News: props(t, map[string]interface{}{}), RandomSeed: []byte{1, 2, 3, 4}})
	require.NoError(t, err)
	name := first.GetInputs().GetFields()["name"].GetStringValue()
	assert.Regexp(t, `^failed-events-[0-9a-f]{7}$`, name)
	second, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn, Olds: first.GetInputs(), News: props(t, map[string]interface{}{}), RandomSeed: []byte{9, 9, 9, 9}})
	require.NoError(t, err)
	assert.Equal(t, name, second.GetInputs().GetFields()["name"].GetStringValue())
}
