package recovery

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryTypeHasAFinder: every resource type of every pinned plan (the
// configs that together set every config key) has a way to be found
// after a killed up.
func TestEveryTypeHasAFinder(t *testing.T) {
	files, err := filepath.Glob("../plan/testdata/golden/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var p struct {
			Resources []struct {
				Type   string `json:"type"`
				Custom bool   `json:"custom"`
			} `json:"resources"`
		}
		require.NoError(t, json.Unmarshal(data, &p))
		for _, r := range p.Resources {
			if strings.HasPrefix(r.Type, "aws:") || strings.HasPrefix(r.Type, "random:") {
				assert.Contains(t, finders, r.Type, "%s (in %s) has no finder in ops/recovery/ids.go", r.Type, filepath.Base(f))
			}
		}
	}
}

// account lists a fixed set of tagged resources.
type account []Tagged

func (a account) Tagged(_ context.Context, tags map[string]string) ([]Tagged, error) {
	var out []Tagged
	for _, t := range a {
		if includes(t.Tags, tags) {
			out = append(out, t)
		}
	}
	return out, nil
}

// deployment is a state in `pulumi stack export`'s form (field names as
// apitype.DeploymentV3 gives them), with fields this package must keep.
const deployment = `{
  "manifest": {"time": "2026-12-07T05:00:00Z", "magic": "m", "version": "v3.274.1"},
  "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:abc"}},
  "resources": [
    {"urn": "urn:pulumi:dev::push-turnkey::pulumi:pulumi:Stack::push-turnkey-dev", "custom": false, "type": "pulumi:pulumi:Stack"},
    {"urn": "urn:pulumi:dev::push-turnkey::aws:ec2/securityGroup:SecurityGroup::held", "custom": true, "id": "sg-held", "type": "aws:ec2/securityGroup:SecurityGroup", "futureField": 1}
  ],
  "pending_operations": [
    {"resource": {"urn": "urn:pulumi:dev::push-turnkey::aws:autoscaling/group:Group::nodes", "custom": true, "type": "aws:autoscaling/group:Group",
      "inputs": {"name": "nodes-1a2b3c4", "__defaults": ["name"]}, "parent": "urn:pulumi:dev::push-turnkey::pulumi:pulumi:Stack::push-turnkey-dev"}, "type": "creating"},
    {"resource": {"urn": "urn:pulumi:dev::push-turnkey::aws:ec2/securityGroup:SecurityGroup::api", "custom": true, "type": "aws:ec2/securityGroup:SecurityGroup",
      "inputs": {"tags": {"Name": "api"}}}, "type": "creating"},
    {"resource": {"urn": "urn:pulumi:dev::push-turnkey::aws:ec2/instance:Instance::api", "custom": true, "type": "aws:ec2/instance:Instance",
      "inputs": {"tags": {"Name": "api"}}}, "type": "creating"},
    {"resource": {"urn": "urn:pulumi:dev::push-turnkey::aws:lb/loadBalancer:LoadBalancer::lb", "custom": true, "type": "aws:lb/loadBalancer:LoadBalancer",
      "inputs": {"name": "lb-1"}}, "type": "creating"},
    {"resource": {"urn": "urn:pulumi:dev::push-turnkey::aws:ec2/vpc:Vpc::old", "custom": true, "id": "vpc-old", "type": "aws:ec2/vpc:Vpc"}, "type": "deleting"}
  ]
}`

var stackTags = map[string]string{"project": "push-turnkey", "stack": "dev"}

func tags(more ...string) map[string]string {
	t := map[string]string{"project": "push-turnkey", "stack": "dev"}
	for i := 0; i+1 < len(more); i += 2 {
		t[more[i]] = more[i+1]
	}
	return t
}

// TestDecideFindsWhatTheDeadRunMade: an ID in the inputs is taken; a
// tagged resource is the one of its type, with the create's own tags,
// that the state does not hold; none is "forget"; two are unresolved,
// named; a pending delete is not a create.
func TestDecideFindsWhatTheDeadRunMade(t *testing.T) {
	at := Target{Partition: "aws", Region: "us-east-1", Account: "123456789012", StackTags: stackTags}
	acct := account{
		{ARN: "arn:aws:ec2:us-east-1:123456789012:security-group/sg-held", Tags: tags("Name", "api")},
		{ARN: "arn:aws:ec2:us-east-1:123456789012:security-group/sg-new", Tags: tags("Name", "api")},
		{ARN: "arn:aws:ec2:us-east-1:123456789012:security-group/sg-other", Tags: tags("Name", "lb")},
		{ARN: "arn:aws:ec2:us-east-1:123456789012:security-group/sg-elsewhere", Tags: map[string]string{"project": "push-turnkey", "stack": "prod", "Name": "api"}},
		{ARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/lb-1/0123456789abcdef", Tags: tags()},
		{ARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/lb-2/fedcba9876543210", Tags: tags()},
	}
	decisions, err := Decide(context.Background(), json.RawMessage(deployment), at, acct, nil, nil)
	require.NoError(t, err)
	got := map[string]Decision{}
	for _, d := range decisions {
		got[d.URN[strings.LastIndex(d.URN, "::")+2:]+" "+d.Type] = d
	}
	require.Len(t, got, 4, "the four pending creates, not the pending delete")
	assert.Equal(t, Decision{URN: "urn:pulumi:dev::push-turnkey::aws:autoscaling/group:Group::nodes", Type: "aws:autoscaling/group:Group",
		Outcome: Adopt, ID: "nodes-1a2b3c4", Why: got["nodes aws:autoscaling/group:Group"].Why}, got["nodes aws:autoscaling/group:Group"])
	sg := got["api aws:ec2/securityGroup:SecurityGroup"]
	assert.Equal(t, Adopt, sg.Outcome)
	assert.Equal(t, "sg-new", sg.ID, "not the held one, not another stack's, not another Name")
	assert.Equal(t, Forget, got["api aws:ec2/instance:Instance"].Outcome, "no instance carries the tags")
	lb := got["lb aws:lb/loadBalancer:LoadBalancer"]
	assert.Equal(t, Unresolved, lb.Outcome, "two load balancers outside the state")
	assert.Contains(t, lb.Why, "loadbalancer/net/lb-1/0123456789abcdef")
	assert.Contains(t, lb.Why, "loadbalancer/net/lb-2/fedcba9876543210")

	_, err = Apply(json.RawMessage(deployment), decisions)
	assert.ErrorContains(t, err, "aws:lb/loadBalancer:LoadBalancer::lb is unresolved")

	lbURN := "urn:pulumi:dev::push-turnkey::aws:lb/loadBalancer:LoadBalancer::lb"
	decisions, err = Decide(context.Background(), json.RawMessage(deployment), at, acct,
		map[string]string{lbURN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/lb-1/0123456789abcdef"}, nil)
	require.NoError(t, err)
	for _, d := range decisions {
		if d.URN == lbURN {
			assert.Equal(t, Adopt, d.Outcome, "-adopt names it")
		}
	}
	decisions, err = Decide(context.Background(), json.RawMessage(deployment), at, acct, nil, []string{lbURN})
	require.NoError(t, err)
	for _, d := range decisions {
		if d.URN == lbURN {
			assert.Equal(t, Forget, d.Outcome, "-forget drops it")
		}
	}
}

// TestApplyAdoptsAndKeepsTheRest: adopted creates become resources after
// the ones there, with their IDs; forgotten ones go; a pending delete
// and every field this package does not know stay as they were.
func TestApplyAdoptsAndKeepsTheRest(t *testing.T) {
	decisions := []Decision{
		{URN: "urn:pulumi:dev::push-turnkey::aws:autoscaling/group:Group::nodes", Outcome: Adopt, ID: "nodes-1a2b3c4"},
		{URN: "urn:pulumi:dev::push-turnkey::aws:ec2/securityGroup:SecurityGroup::api", Outcome: Adopt, ID: "sg-new"},
		{URN: "urn:pulumi:dev::push-turnkey::aws:ec2/instance:Instance::api", Outcome: Forget},
		{URN: "urn:pulumi:dev::push-turnkey::aws:lb/loadBalancer:LoadBalancer::lb", Outcome: Forget},
	}
	out, err := Apply(json.RawMessage(deployment), decisions)
	require.NoError(t, err)
	var d struct {
		SecretsProviders json.RawMessage              `json:"secrets_providers"`
		Manifest         json.RawMessage              `json:"manifest"`
		Resources        []map[string]any             `json:"resources"`
		Pending          []map[string]json.RawMessage `json:"pending_operations"`
	}
	require.NoError(t, json.Unmarshal(out, &d))
	assert.JSONEq(t, `{"type": "passphrase", "state": {"salt": "v1:abc"}}`, string(d.SecretsProviders))
	assert.JSONEq(t, `{"time": "2026-12-07T05:00:00Z", "magic": "m", "version": "v3.274.1"}`, string(d.Manifest))
	require.Len(t, d.Resources, 4)
	assert.Equal(t, float64(1), d.Resources[1]["futureField"], "an unknown field survives")
	assert.Equal(t, "nodes-1a2b3c4", d.Resources[2]["id"])
	assert.Equal(t, map[string]any{"name": "nodes-1a2b3c4", "__defaults": []any{"name"}}, d.Resources[2]["outputs"])
	assert.Equal(t, "urn:pulumi:dev::push-turnkey::pulumi:pulumi:Stack::push-turnkey-dev", d.Resources[2]["parent"])
	assert.Equal(t, "sg-new", d.Resources[3]["id"])
	require.Len(t, d.Pending, 1)
	assert.JSONEq(t, `"deleting"`, string(d.Pending[0]["type"]))

	_, err = Apply(json.RawMessage(deployment), []Decision{{URN: "urn:pulumi:dev::push-turnkey::aws:ec2/vpc:Vpc::nothing", Outcome: Forget}})
	assert.ErrorContains(t, err, "does not hold")
}

// TestARNsGiveTheProvidersIDs: the ID taken from an ARN is the one the
// provider's Read takes (terraform-provider-aws: the AWS-made ID for EC2
// and KMS, the ARN itself for Elastic Load Balancing and ACM).
func TestARNsGiveTheProvidersIDs(t *testing.T) {
	for typ, c := range map[string]struct{ arn, id string }{
		"aws:ec2/instance:Instance":       {"arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0", "i-0123456789abcdef0"},
		"aws:ec2/natGateway:NatGateway":   {"arn:aws:ec2:us-east-1:123456789012:natgateway/nat-0123456789abcdef0", "nat-0123456789abcdef0"},
		"aws:kms/key:Key":                 {"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "1234abcd-12ab-34cd-56ef-1234567890ab"},
		"aws:lb/listener:Listener":        {"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/lb/50dc6c495c0c9188/f2f7dc8efc522ab2", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/lb/50dc6c495c0c9188/f2f7dc8efc522ab2"},
		"aws:acm/certificate:Certificate": {"arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012", "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"},
	} {
		f := finders[typ]
		assert.True(t, f.matches(c.arn), typ)
		assert.Equal(t, c.id, f.idFromARN(c.arn), typ)
	}
	assert.False(t, finders["aws:ec2/instance:Instance"].matches("arn:aws:ec2:us-east-1:123456789012:instance-profile/x"), "another resource type")
	assert.False(t, finders["aws:lb/listener:Listener"].matches("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/net/lb/1/2/3"))
}
