package plan

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
)

// leftBehind is an account where a stack "old" left its stores, and a
// dashboard's security group sits in a VPC peered with the stack's.
var leftBehind = Account{
	Tables:         []string{"push-old_router", "push-old_message"},
	TableOwner:     "old",
	Parameters:     map[string]string{"/push-turnkey/push-old/crypto-key": "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="},
	Buckets:        []string{"push-old-logs-" + fakeaws.AccountID},
	StackVPCs:      []string{"vpc-0stack00000000000"},
	SecurityGroups: map[string]string{"sg-0dashboard0000000": "vpc-0dashboard000000"},
	Peerings:       [][2]string{{"vpc-0dashboard000000", "vpc-0stack00000000000"}},
}

// providerSettings are the program's AWS provider's inputs for stack dev.
var providerSettings = resource.NewPropertyMapFromMap(map[string]interface{}{
	"region":      "eu-west-1",
	"defaultTags": map[string]interface{}{"tags": map[string]interface{}{"project": "push-turnkey", "stack": "dev", "managed-by": "pulumi"}},
})

// TestThePlanAndThePluginAnswerFromOneAccount: the offline plan's mock
// monitor and the fake provider plugin of the engine tests, over the same
// account, give every look-up the program makes the same answer.
func TestThePlanAndThePluginAnswerFromOneAccount(t *testing.T) {
	m := newMonitor("push-turnkey", "dev", leftBehind)
	_, _, err := m.NewResource(pulumi.MockResourceArgs{TypeToken: "pulumi:providers:aws", Name: "aws", Inputs: providerSettings,
		Custom: true, RegisterRPC: &pulumirpc.RegisterResourceRequest{}})
	require.NoError(t, err)

	// The plugin keeps its account in a file: the plan's world, written.
	state := filepath.Join(t.TempDir(), "account.json")
	require.NoError(t, m.store.View(func(w *fakeaws.World) error {
		data, err := json.Marshal(w)
		if err != nil {
			return err
		}
		return os.WriteFile(state, data, 0o600)
	}))
	p, err := fakeaws.NewProvider("aws", state)
	require.NoError(t, err)
	settings, err := plugin.MarshalProperties(providerSettings, plugin.MarshalOptions{})
	require.NoError(t, err)
	_, err = p.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: settings})
	require.NoError(t, err)

	filter := func(name, value string) map[string]interface{} {
		return map[string]interface{}{"name": name, "values": []interface{}{value}}
	}
	for tok, args := range map[string]map[string]interface{}{
		"aws:index/getAvailabilityZones:getAvailabilityZones": {"state": "available",
			"filters": []interface{}{filter("opt-in-status", "opt-in-not-required")}},
		"aws:index/getCallerIdentity:getCallerIdentity":   {},
		"aws:index/getPartition:getPartition":             {},
		"aws:index/getRegion:getRegion":                   {},
		"aws:dynamodb/getTables:getTables":                {},
		"aws:dynamodb/getTable:getTable":                  {"name": "push-old_router"},
		"aws:ssm/getParametersByPath:getParametersByPath": {"path": "/push-turnkey/push-old/", "withDecryption": false},
		"aws:ssm/getParameter:getParameter":               {"name": "/push-turnkey/push-old/crypto-key", "withDecryption": true},
		"aws:s3/getBucket:getBucket":                      {"bucket": "push-old-logs-" + fakeaws.AccountID},
		"aws:ec2/getSecurityGroup:getSecurityGroup":       {"id": "sg-0dashboard0000000"},
		"aws:ec2/getVpcs:getVpcs":                         {"tags": map[string]interface{}{"project": "push-turnkey", "stack": "dev", "managed-by": "pulumi"}},
		"aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections": {"filters": []interface{}{filter("status-code", "active"),
			filter("requester-vpc-info.vpc-id", "vpc-0dashboard000000"), filter("accepter-vpc-info.vpc-id", "vpc-0stack00000000000")}},
	} {
		props := resource.NewPropertyMapFromMap(args)
		planned, err := m.Call(pulumi.MockCallArgs{Token: tok, Args: props})
		require.NoError(t, err, tok)
		marshalled, err := plugin.MarshalProperties(props, plugin.MarshalOptions{})
		require.NoError(t, err)
		resp, err := p.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: tok, Args: marshalled})
		require.NoError(t, err, tok)
		plugged, err := plugin.UnmarshalProperties(resp.GetReturn(), plugin.MarshalOptions{})
		require.NoError(t, err)
		assert.Equal(t, planned.Mappable(), plugged.Mappable(), tok)
		assert.NotEmpty(t, planned, tok)
	}
}

// TestImportsReadWhatTheAccountHolds: a store the program takes over has
// the state the account holds, as the engine reads it on import: the
// table's tags are still those of the stack that made it.
func TestImportsReadWhatTheAccountHolds(t *testing.T) {
	s, err := LoadStack("../..", "dev", []Setting{{Pair: "tablePrefix=push-old"}, {Pair: "takeOverFrom=old"}})
	require.NoError(t, err)
	s.Account = leftBehind
	s.Artifacts = StandInArtifacts(t.TempDir())
	p, err := Run(s)
	require.NoError(t, err)
	for _, r := range p.Find("aws:dynamodb/table:Table") {
		if r.Options.ImportID == "" {
			continue
		}
		assert.Equal(t, r.Options.ImportID, r.ID)
		assert.Equal(t, "old", r.Outputs["tagsAll"].ObjectValue()["stack"].StringValue(), "%s keeps the old stack's tag until updated", r.ID)
	}
}

// TestTheKeyARNIsAWSs: the alarm topic is encrypted with the stack's key,
// named by its ARN in the form AWS KMS gives a key ARN (Key identifiers,
// AWS KMS Developer Guide: arn:aws:kms:<region>:<account>:key/<key ID>,
// the key ID a UUID).
func TestTheKeyARNIsAWSs(t *testing.T) {
	s, err := LoadStack("../..", "dev", nil)
	require.NoError(t, err)
	s.Artifacts = StandInArtifacts(t.TempDir())
	p, err := Run(s)
	require.NoError(t, err)
	var key, topic Resource
	for _, r := range p.Resources {
		switch {
		case r.Type == "aws:kms/key:Key" && r.Name == "push-alarms":
			key = r
		case r.Type == "aws:sns/topic:Topic" && r.Name == "push-alarms":
			topic = r
		}
	}
	assert.Regexp(t, `^arn:aws:kms:us-east-1:`+fakeaws.AccountID+`:key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, topic.Inputs["kmsMasterKeyId"].StringValue())
	assert.Equal(t, key.Outputs["arn"].StringValue(), topic.Inputs["kmsMasterKeyId"].StringValue())
	assert.Equal(t, "arn:aws:kms:us-east-1:"+fakeaws.AccountID+":key/"+key.ID, key.Outputs["arn"].StringValue(), "the key is known by its key ID")
}
