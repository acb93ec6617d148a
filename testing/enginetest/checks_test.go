package enginetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
	"github.com/push-turnkey/push-turnkey/program/components"
)

// TestEveryResourcePassesTheProvidersCheck: with every optional feature
// on (TLS with a hosted zone, SSH, alarm e-mail, the processor tier with a
// NAT gateway and its allowed sources, a rotation's keys set as secrets by
// path, as the README says), `pulumi up` and a second preview go through
// the engine: every resource's inputs pass the provider's Check against
// the real provider's input types, and the config passes the engine's
// validation. The dashboard's security group is allowed as the README
// says: after the first `pulumi up`, once its VPC is peered.
func TestEveryResourcePassesTheProvidersCheck(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	s := e.stack(t, "full")
	setConfig(t, s, map[string]string{
		"aws:region":                           "us-east-1",
		"push-turnkey:tablePrefix":             "push-full",
		"push-turnkey:tableDeletionProtection": "false",
		"push-turnkey:processor":               "true",
		"push-turnkey:natGateway":              "true",
		"push-turnkey:domainName":              "push.example.com",
		"push-turnkey:hostedZoneId":            "Z0123456789ABCDEFGHIJ",
		"push-turnkey:alarmEmail":              "ops@example.com",
		"push-turnkey:sshKeyName":              "ops",
		"push-turnkey:sshAllowedCidr":          "203.0.113.0/24",
	})
	current, previous := "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ=", "dsJoDUlNOYiROqEazpC3ZNesLLk8SWR0_hrrgndZtV8="
	for key, value := range map[string]auto.ConfigValue{
		"push-turnkey:cryptoKey":                  {Value: current, Secret: true},
		"push-turnkey:previousCryptoKeys[0]":      {Value: previous, Secret: true},
		"push-turnkey:messagesApiAllowedCidrs[0]": {Value: "10.30.0.0/16"},
		// Settings of the AWS provider reach it (the provider the program
		// registers for every resource): the fake refuses an account
		// outside allowedAccountIds and tags with the default tags.
		"aws:allowedAccountIds[0]":  {Value: fakeaws.AccountID},
		"aws:defaultTags.tags.team": {Value: "push"},
	} {
		require.NoError(t, s.SetConfigWithOptions(ctx, key, value, &auto.ConfigOptions{Path: true}), "pulumi config set --path %s", key)
	}
	res, _ := up(t, s)
	assert.Equal(t, "wss://push.example.com/", outputString(t, res, "pushServerUrl"))
	tagged := 0
	for _, o := range e.world(t).Resources {
		var outputs struct {
			TagsAll map[string]interface{} `json:"tagsAll"`
		}
		require.NoError(t, json.Unmarshal(o.Outputs, &outputs))
		if outputs.TagsAll != nil {
			tagged++
			assert.Equal(t, "push", outputs.TagsAll["team"], "%s %s has the user's default tag", o.Type, o.ID)
			assert.Equal(t, "full", outputs.TagsAll["stack"], "%s %s has the stack's tag", o.Type, o.ID)
		}
	}
	assert.Greater(t, tagged, 20, "the taggable resources")

	// A dashboard's group in another VPC: refused until the VPCs are
	// peered, then allowed.
	const group, dashboardVPC = "sg-0123456789abcdef0", "vpc-0dashboard000000"
	stackVPC := e.world(t).OfType("aws:ec2/vpc:Vpc")[0].ID
	e.edit(t, func(w *fakeaws.World) error {
		o, err := fakeaws.OutsideSecurityGroup(group, dashboardVPC)
		if err != nil {
			return err
		}
		w.Put(o)
		return nil
	})
	setConfig(t, s, map[string]string{"push-turnkey:messagesApiAllowedSecurityGroup": group})
	_, err := s.Preview(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is in "+dashboardVPC+", which is neither the stack's VPC ("+stackVPC+") nor peered with it")
	e.edit(t, func(w *fakeaws.World) error {
		o, err := fakeaws.ActivePeering("pcx-0dashboard", dashboardVPC, stackVPC)
		if err != nil {
			return err
		}
		w.Put(o)
		return nil
	})
	again, steps := up(t, s)
	assert.Contains(t, steps.opsOf("::push-processor-api-from-group"), apitype.OpCreate, "the rule naming the peered VPC's group")
	assert.Equal(t, current, outputString(t, again, "cryptoKey"), "the configured key, after the second pulumi up too")
	expectNoChanges(t, s)
	destroy(t, s)
}

// TestProviderSettingsReachTheProvider: aws:allowedAccountIds naming
// another account stops `pulumi preview` at the provider, before anything
// is read: the setting reached the provider the program registers.
func TestProviderSettingsReachTheProvider(t *testing.T) {
	e := newEngine(t)
	s := e.stack(t, "foreign")
	setConfig(t, s, map[string]string{"aws:region": "us-east-1", "push-turnkey:tableDeletionProtection": "false"})
	require.NoError(t, s.SetConfigWithOptions(context.Background(), "aws:allowedAccountIds[0]",
		auto.ConfigValue{Value: "111111111111"}, &auto.ConfigOptions{Path: true}))
	_, err := s.Preview(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AWS account ID not allowed: "+fakeaws.AccountID)
}

// TestUnhealthyNodesSayWhereToLook: when the Auto Scaling groups time out
// waiting for healthy nodes (the fake fails their creation as the provider
// words it), `pulumi up` fails and its output says where to look; once the
// cause is gone, the next `pulumi up` finishes the stack.
func TestUnhealthyNodesSayWhereToLook(t *testing.T) {
	e := newEngine(t)
	s := e.stack(t, "unhealthy")
	setConfig(t, s, map[string]string{"aws:region": "us-east-1", "push-turnkey:tableDeletionProtection": "false"})
	const group = "aws:autoscaling/group:Group"
	e.edit(t, func(w *fakeaws.World) error {
		w.Faults = map[string]string{group: "waiting for Auto Scaling Group capacity satisfied: timeout while waiting for state to become 'ok' " +
			"(last state: 'want at least 1 healthy instance(s) registered to Load Balancer, have 0', timeout: 20m0s)"}
		return nil
	})
	_, err := s.Up(context.Background())
	require.Error(t, err)
	for _, want := range []string{
		components.UnhealthyNodesHint("push-connection", "autopush", "mozilla/autopush:1.58.4", "us-east-1", "/push-turnkey/push-unhealthy/connection"),
		components.UnhealthyNodesHint("push-endpoint", "autoendpoint", "mozilla/autopush:1.58.4", "us-east-1", "/push-turnkey/push-unhealthy/endpoint"),
	} {
		assert.Contains(t, strings.Join(strings.Fields(err.Error()), " "), want, "the hook's message, once per group")
	}
	e.edit(t, func(w *fakeaws.World) error { w.Faults = nil; return nil })
	_, steps := up(t, s)
	assert.Contains(t, steps.opsOf("aws:autoscaling/group:Group::push-connection"), apitype.OpCreate, "the group is made once nodes can be healthy")
	expectNoChanges(t, s)
	destroy(t, s)
}

// TestAnEmptyValueIsNotTheDefault: `pulumi config set autopushVersion ""`
// reaches the program as "" (the engine passes Pulumi.yaml's default only
// for a key the stack does not set), and the program refuses it, naming
// the key, before `pulumi up` creates any resource; `pulumi config rm`
// takes the default.
func TestAnEmptyValueIsNotTheDefault(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	s := e.stack(t, "empty")
	setConfig(t, s, map[string]string{"aws:region": "us-east-1", "push-turnkey:tableDeletionProtection": "false",
		"push-turnkey:autopushVersion": ""})
	_, err := s.Up(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `push-turnkey:autopushVersion: is set to "" in the stack`)
	assert.Contains(t, err.Error(), "pulumi config rm autopushVersion")
	assert.Empty(t, e.world(t).Resources, "pulumi up created nothing")

	require.NoError(t, s.RemoveConfig(ctx, "push-turnkey:autopushVersion"))
	_, err = s.Preview(ctx)
	assert.NoError(t, err, "the default, 1.58.4")
}

// TestAnImageUpgradeRollsTheNodes: a new autopushVersion is a new launch
// template version, which starts an instance refresh on each group; AWS
// refuses an auto rollback to a launch template whose image comes from
// an SSM parameter (the fake's rule, from the API reference), so the
// upgrade asks for none, and keeps every old node until its replacement
// is healthy (MinHealthyPercentage 100). Going back to the old tag is
// another such up, and then nothing is left to change.
func TestAnImageUpgradeRollsTheNodes(t *testing.T) {
	e := newEngine(t)
	s := e.stack(t, "dev")
	up(t, s)
	setConfig(t, s, map[string]string{"push-turnkey:autopushVersion": "1.58.3"})
	_, steps := up(t, s)
	assert.Contains(t, steps.opsOf("aws:autoscaling/group:Group::push-connection"), apitype.OpUpdate)
	for _, g := range e.world(t).OfType("aws:autoscaling/group:Group") {
		ins, err := fakeaws.Props(g.Inputs)
		require.NoError(t, err)
		prefs := ins["instanceRefresh"].ObjectValue()["preferences"].ObjectValue()
		assert.Equal(t, 100.0, prefs["minHealthyPercentage"].NumberValue(), g.ID)
		assert.False(t, prefs["autoRollback"].IsBool() && prefs["autoRollback"].BoolValue(), "%s asks for no rollback AWS cannot make", g.ID)
	}
	setConfig(t, s, map[string]string{"push-turnkey:autopushVersion": "1.58.4"})
	up(t, s)
	expectNoChanges(t, s)
	destroy(t, s)
}

// TestABadImageFailsTheUp: a new image whose nodes never get healthy.
// The provider starts each group's instance refresh and returns; the
// groups' after-update hooks wait for them: one that fails, and one still
// under way when the wait ends (then cancelled), fail the up, saying
// where to look and that the old nodes keep serving. The state holds the
// update; setting the tag back and running up again converges.
func TestABadImageFailsTheUp(t *testing.T) {
	e := newEngine(t)
	e.refreshWait.Timeout = 2 * time.Second
	s := e.stack(t, "dev")
	res, _ := up(t, s)
	conn, end := outputString(t, res, "connectionGroupName"), outputString(t, res, "endpointGroupName")
	stand := e.refreshes.current()
	stand.failNext(conn, "Instance refresh failed: new instances failed their health checks.",
		types.InstanceRefreshStatusInProgress, types.InstanceRefreshStatusFailed)
	stand.failNext(end, "Waiting for instances to pass the health check.", types.InstanceRefreshStatusInProgress)

	setConfig(t, s, map[string]string{"push-turnkey:autopushVersion": "1.58.5"})
	_, err := s.Up(context.Background())
	require.Error(t, err)
	msg := strings.Join(strings.Fields(err.Error()), " ")
	assert.Contains(t, msg, "of "+conn+" ended Failed: Instance refresh failed: new instances failed their health checks.")
	assert.Contains(t, msg, "of "+end+" was still InProgress after 2s (Waiting for instances to pass the health check.), so it was cancelled")
	assert.Contains(t, msg, "The old nodes keep serving")
	assert.Contains(t, msg, "the image mozilla/autopush:1.58.5 cannot be pulled")
	assert.Equal(t, types.InstanceRefreshStatusCancelled, lastRefresh(t, stand, end), "the stuck refresh is cancelled")
	expectNoChanges(t, s) // the update itself is in the state

	setConfig(t, s, map[string]string{"push-turnkey:autopushVersion": "1.58.4"})
	up(t, s)
	assert.Equal(t, types.InstanceRefreshStatusSuccessful, lastRefresh(t, stand, conn))
	assert.Equal(t, types.InstanceRefreshStatusSuccessful, lastRefresh(t, stand, end))
	expectNoChanges(t, s)
	destroy(t, s)
}

// lastRefresh is the status of group's newest refresh.
func lastRefresh(t *testing.T, a *accountRefreshes, group string) types.InstanceRefreshStatus {
	t.Helper()
	out, err := a.svc.DescribeInstanceRefreshes(context.Background(), &autoscaling.DescribeInstanceRefreshesInput{
		AutoScalingGroupName: aws.String(group), MaxRecords: aws.Int32(1)})
	require.NoError(t, err)
	require.NotEmpty(t, out.InstanceRefreshes)
	return out.InstanceRefreshes[0].Status
}
