package enginetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/keyrotation"
	"github.com/push-turnkey/push-turnkey/ops/pulumicli"
)

// engineStack is the stack as the rotate-key command drives it: config
// and outputs through the real Pulumi CLI in the copied project (as
// pulumicli.CLI runs it for an operator), preview and up through the
// Automation API, which serves the program inline (no Go language host
// is built for the tests).
type engineStack struct {
	*pulumicli.CLI
	stack auto.Stack
}

func (s engineStack) Up(ctx context.Context) error {
	_, err := s.stack.Up(ctx)
	return err
}

func (s engineStack) PreviewNoChanges(ctx context.Context) error {
	_, err := s.stack.Preview(ctx, optpreview.ExpectNoChanges())
	return err
}

// pulumiCLI is the Pulumi CLI on stack name of the engine's project.
func (e *engine) pulumiCLI(name string) *pulumicli.CLI {
	var env []string
	for k, v := range e.env {
		env = append(env, k+"="+v)
	}
	return &pulumicli.CLI{Binary: e.cli, Dir: e.dir, Stack: name, Env: env}
}

// deployedKeys reads cryptoKey and previousCryptoKeys from the stack's
// outputs.
func deployedKeys(t *testing.T, s auto.Stack) keyrotation.Keys {
	t.Helper()
	outs, err := s.Outputs(context.Background())
	require.NoError(t, err)
	k := keyrotation.Keys{Current: outs["cryptoKey"].Value.(string)}
	require.True(t, outs["cryptoKey"].Secret && outs["previousCryptoKeys"].Secret, "both key outputs are secrets")
	for _, v := range outs["previousCryptoKeys"].Value.([]interface{}) {
		k.Previous = append(k.Previous, v.(string))
	}
	return k
}

// TestRotateKeyCommand drives the rotate-key command's library through
// the real engine and the real Pulumi CLI on a stack whose key was
// generated: two rotations (each key kept, newest first, the config set
// by path as secrets), dropping an old key, a rotation whose first
// step's refresh rolls back (step 2 never runs; -promote is refused until
// a refresh succeeds, then finishes it). Throughout, the stand-in's nodes
// accept every key any node issues endpoints with, and no key reaches
// the command's output. A stack with other changes to deploy is refused
// before anything is written. Last, the same two config changes applied
// without the wait are caught by the stand-in: its check can fail.
func TestRotateKeyCommand(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	s := e.stack(t, "rot")
	setConfig(t, s, map[string]string{"aws:region": "us-east-1", "push-turnkey:tableDeletionProtection": "false"})
	first, _ := up(t, s)
	k0 := outputString(t, first, "cryptoKey")
	conn, end := outputString(t, first, "connectionGroupName"), outputString(t, first, "endpointGroupName")
	for _, g := range []string{conn, end} {
		require.NotNil(t, e.world(t).Find("aws:autoscaling/group:Group", g), "output %s names a group of the account", g)
	}

	refreshes := newAccountRefreshes(t, e, "push-rot")
	e.refreshes.use(refreshes) // the groups' after-update hooks see the same refreshes
	var out strings.Builder
	r := &keyrotation.Rotator{Stack: engineStack{CLI: e.pulumiCLI("rot"), stack: s}, Refreshes: refreshes, Out: &out,
		Poll: time.Second, Timeout: time.Hour, Sleep: func(context.Context, time.Duration) error { return nil }}
	require.NoError(t, r.List(ctx), "the first look adds the groups with the keys their nodes booted with")

	// 1. A stack with something else to deploy is refused, nothing written.
	setConfig(t, s, map[string]string{"push-turnkey:connectionNodesDesired": "2", "push-turnkey:connectionNodesMax": "2"})
	err := r.Rotate(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the stack has changes to deploy besides the keys")
	config, err := e.pulumiCLI("rot").Config(ctx)
	require.NoError(t, err)
	assert.Empty(t, config[keyrotation.CryptoKeyConfig].Value, "nothing was written")
	for _, k := range []string{"connectionNodesDesired", "connectionNodesMax"} {
		require.NoError(t, s.RemoveConfig(ctx, "push-turnkey:"+k))
	}

	// 2. Two rotations: every key kept, newest first.
	require.NoError(t, r.Rotate(ctx))
	one := deployedKeys(t, s)
	assert.NotEqual(t, k0, one.Current, "a new key issues endpoints")
	assert.Equal(t, []string{k0}, one.Previous, "the generated key is still accepted")
	require.NoError(t, r.Rotate(ctx))
	two := deployedKeys(t, s)
	assert.Equal(t, []string{one.Current, k0}, two.Previous, "the second rotation keeps the first's keys, newest first")
	assert.Equal(t, strings.Join(two.All(), ","), strings.Join(refreshes.parameterKeys(e.world(t)), ","), "the key parameter holds the list")
	config, err = e.pulumiCLI("rot").Config(ctx)
	require.NoError(t, err)
	assert.True(t, config[keyrotation.CryptoKeyConfig].Secret && config[keyrotation.PreviousKeysConfig].Secret, "set as secrets")
	var previous []string
	require.NoError(t, json.Unmarshal(config[keyrotation.PreviousKeysConfig].ObjectValue, &previous))
	assert.Equal(t, two.Previous, previous, "the config names the deployed list")
	for _, g := range []string{conn, end} {
		assert.Equal(t, 4, countNew(t, refreshes, g), "two refreshes per rotation of %s, each waited for", g)
	}

	// 3. Drop the oldest key.
	require.NoError(t, r.Drop(ctx, 1))
	dropped := deployedKeys(t, s)
	assert.Equal(t, keyrotation.Keys{Current: two.Current, Previous: []string{one.Current}}, dropped)
	assert.ErrorContains(t, r.Drop(ctx, 1), "previousCryptoKeys[1] does not exist")

	// 4. Step 1's refresh of the endpoint nodes rolls back: step 1's up
	// fails (the group's after-update hook), the command stops, the new
	// key is accepted but never issues endpoints. The operator runs pulumi
	// up, as the message says, which finishes step 1's outputs.
	refreshes.failNext(end, "Instances failed to become healthy", types.InstanceRefreshStatusInProgress,
		types.InstanceRefreshStatusRollbackInProgress, types.InstanceRefreshStatusRollbackSuccessful)
	err = r.Rotate(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "of "+end+" ended RollbackInProgress: Instances failed to become healthy")
	assert.Contains(t, err.Error(), "step 1: pulumi up (the stack's config holds the step's keys")
	assert.Equal(t, dropped, deployedKeys(t, s), "a failed up leaves the outputs as they were")
	up(t, s)
	half := deployedKeys(t, s)
	assert.Equal(t, dropped.Current, half.Current, "step 2 did not run")
	require.Len(t, half.Previous, 2)
	assert.Equal(t, dropped.Previous[0], half.Previous[1])
	err = r.Promote(ctx)
	require.Error(t, err, "not every node accepts the new key")
	assert.Contains(t, err.Error(), "the last instance refresh of group "+end)
	assert.Equal(t, half, deployedKeys(t, s), "the refused -promote changed nothing")
	refreshes.replaceAll(end) // the cause fixed, the nodes replaced
	require.NoError(t, r.List(ctx))
	require.NoError(t, r.List(ctx))
	assert.Contains(t, out.String(), "group "+end+": last instance refresh ", "the operator watches the refresh")
	assert.Regexp(t, "group "+end+": last instance refresh [0-9a-f-]+ Successful", out.String())
	require.NoError(t, r.Promote(ctx))
	done := deployedKeys(t, s)
	assert.Equal(t, keyrotation.Keys{Current: half.Previous[0], Previous: []string{half.Current, dropped.Previous[0]}}, done)

	assert.Empty(t, refreshes.problems(), "every node accepted every key any node issued endpoints with")
	for _, k := range append(done.All(), two.All()...) {
		assert.NotContains(t, out.String(), k, "the command's output shows a key")
	}
	assert.Contains(t, out.String(), keyrotation.Fingerprint(done.Current))
	expectNoChanges(t, s)

	// 5. The stand-in's check can fail: the two steps of a rotation
	// deployed back to back, without waiting (here the groups' hooks may
	// not watch the refreshes, so each up warns and goes on), leave nodes
	// that refuse the key new endpoints are issued with.
	e.refreshes.blind(true)
	cli := e.pulumiCLI("rot")
	fresh, err := keyrotation.NewKey()
	require.NoError(t, err)
	accepted, err := done.Accept(fresh)
	require.NoError(t, err)
	promoted, err := accepted.Promote()
	require.NoError(t, err)
	for _, step := range [][2]keyrotation.Keys{{done, accepted}, {accepted, promoted}} {
		writes, err := keyrotation.Writes(step[0], step[1])
		require.NoError(t, err)
		for _, w := range writes {
			require.NoError(t, cli.SetSecret(ctx, w.Path, w.Value))
		}
		up(t, s)
	}
	e.refreshes.blind(false)
	require.NoError(t, r.List(ctx))
	assert.NotEmpty(t, refreshes.problems(), "nodes still on the old keys refuse the new current key")
	destroy(t, s)
}

// countNew counts the refreshes of group that booted nodes and ended
// Successful.
func countNew(t *testing.T, a *accountRefreshes, group string) int {
	t.Helper()
	n := 0
	a.mu.Lock()
	defer a.mu.Unlock()
	for id := range a.booted {
		if a.svc.Status(group, id) == types.InstanceRefreshStatusSuccessful {
			n++
		}
	}
	return n
}
