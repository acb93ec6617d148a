package enginetest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
	"github.com/push-turnkey/push-turnkey/ops/recovery"
	"github.com/push-turnkey/push-turnkey/program/pushstack"
	"github.com/push-turnkey/push-turnkey/testing/faketagging"
)

// kill stops, with SIGKILL, every process of this engine: the Pulumi CLI
// and its plugins (each has the engine's PULUMI_HOME in its environment),
// as a CI runner that is stopped or a laptop that loses power stops them.
// It returns how many it stopped.
func (e *engine) kill(t *testing.T) int {
	t.Helper()
	marker := []byte("PULUMI_HOME=" + e.env["PULUMI_HOME"] + "\x00")
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	n := 0
	for _, d := range entries {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", d.Name(), "environ"))
		if err == nil && bytes.Contains(env, marker) && syscall.Kill(pid, syscall.SIGKILL) == nil {
			n++
		}
	}
	return n
}

// killUpWhile runs `pulumi up` on s and kills it once the provider is
// waiting on want new resources of type typ (fakeaws World.Waits), as the
// real provider waits on an Auto Scaling group's healthy nodes or an
// ElastiCache group for minutes.
func (e *engine) killUpWhile(t *testing.T, s auto.Stack, typ string, want int) {
	t.Helper()
	before := len(e.world(t).OfType(typ))
	e.killWhile(t, typ, func() error { _, err := s.Up(context.Background()); return err },
		func() bool { return len(e.world(t).OfType(typ)) >= before+want })
}

// killWhile runs op with the provider waiting on every create and delete
// of typ, and kills the CLI and its plugins once reached holds.
func (e *engine) killWhile(t *testing.T, typ string, op func() error, reached func() bool) {
	t.Helper()
	e.edit(t, func(w *fakeaws.World) error { w.Waits = map[string]bool{typ: true}; return nil })
	done := make(chan error, 1)
	go func() { done <- op() }()
	deadline := time.Now().Add(3 * time.Minute)
	for !reached() {
		require.True(t, time.Now().Before(deadline), "the operation never reached %s", typ)
		select {
		case err := <-done:
			require.FailNow(t, "the operation ended before it reached "+typ, "%v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	time.Sleep(500 * time.Millisecond) // let steps started alongside it get under way
	require.Positive(t, e.kill(t), "the CLI and its plugins were running")
	require.Error(t, <-done, "a killed operation fails")
	e.edit(t, func(w *fakeaws.World) error { w.Waits = nil; return nil })
}

// recoverStack runs cmd/recover's library on stack name as the README
// has the user run it after a killed up: -unlock, the account listed
// through the Tagging API stand-in.
func (e *engine) recoverStack(t *testing.T, name string) []recovery.Decision {
	t.Helper()
	var out bytes.Buffer
	at := recovery.Target{Partition: fakeaws.Partition, Region: "us-east-1", Account: fakeaws.AccountID, StackTags: pushstack.StackTags(name)}
	acct := recovery.TaggingAccount{API: &faketagging.Service{Path: e.state, Region: "us-east-1"}}
	decisions, err := recovery.Recover(context.Background(), e.pulumiCLI(name), at, acct, recovery.Options{Unlock: true}, &out)
	require.NoError(t, err, "recover:\n%s", out.String())
	t.Logf("recover:\n%s", out.String())
	return decisions
}

// outsideTheStack lists what the account holds that the stack's state
// does not ("<type> <id>"): what runs or costs with nothing to delete it.
func (e *engine) outsideTheStack(t *testing.T, s auto.Stack) []string {
	t.Helper()
	d := e.deployment(t, s)
	held := map[string]bool{}
	for _, r := range d.Resources {
		held[string(r.Type)+" "+string(r.ID)] = true
	}
	assert.Empty(t, d.PendingOperations, "no operation left pending")
	var outside []string
	for k, o := range e.world(t).Resources {
		if !held[k] {
			outside = append(outside, k+" (made at "+strconv.Itoa(o.Created)+")")
		}
	}
	return outside
}

func outcomes(ds []recovery.Decision) map[string]string {
	out := map[string]string{}
	for _, d := range ds {
		out[urnName(d.URN)+" "+d.Type] = string(d.Outcome)
	}
	return out
}

// TestInterruptedUpIsRecovered kills `pulumi up` (the CLI and every
// plugin) where a real deploy spends its minutes: a first deploy while
// the provider waits on the Auto Scaling groups' healthy nodes, then the
// upgrade to the processor tier while it waits on the ElastiCache group,
// and again while it waits on the Messages API instance (an ID only AWS
// knows, found by the stack's tags). Each time the next up is refused
// (the stack is locked); cmd/recover's steps adopt what the dead run
// made; the next up makes nothing twice, and the account holds nothing
// the stack does not.
func TestInterruptedUpIsRecovered(t *testing.T) {
	e := newEngine(t)
	s := e.stack(t, "dev")
	const groups = "aws:autoscaling/group:Group"

	e.killUpWhile(t, s, groups, 2)
	_, err := s.Up(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the stack is currently locked", "what the user sees next")
	decisions := e.recoverStack(t, "dev")
	assert.Equal(t, "adopt", outcomes(decisions)["push-connection "+groups])
	assert.Equal(t, "adopt", outcomes(decisions)["push-endpoint "+groups])
	_, steps := up(t, s)
	assert.NotContains(t, steps.opsOf(groups+"::push-connection"), apitype.OpCreate, "the group the dead run made is the stack's")
	assert.Len(t, e.world(t).OfType(groups), 2)
	assert.Empty(t, e.outsideTheStack(t, s))
	expectNoChanges(t, s)

	// The upgrade, killed twice: each recovery adopts what the dead run
	// made, and the next up goes on from there.
	setConfig(t, s, map[string]string{"push-turnkey:processor": "true"})
	for _, at := range []string{"aws:elasticache/replicationGroup:ReplicationGroup", "aws:ec2/instance:Instance"} {
		e.killUpWhile(t, s, at, 1)
		var adopted []string
		for _, d := range e.recoverStack(t, "dev") {
			if d.Outcome == recovery.Adopt {
				adopted = append(adopted, d.Type)
			}
		}
		assert.Contains(t, adopted, at)
	}
	_, steps = up(t, s)
	for _, at := range []string{"aws:elasticache/replicationGroup:ReplicationGroup", "aws:ec2/instance:Instance"} {
		for urn, evs := range steps.ops {
			for _, ev := range evs {
				assert.False(t, strings.Contains(urn, at) && ev.Op == apitype.OpCreate, "%s is made once", urn)
			}
		}
		assert.Len(t, e.world(t).OfType(at), 1, at)
	}
	assert.Empty(t, e.outsideTheStack(t, s))
	assert.Empty(t, steps.statefulSteps())
	expectNoChanges(t, s)
	destroy(t, s)
}

// TestInterruptedDestroyFinishes kills `pulumi destroy` while the provider
// waits on the Auto Scaling groups' instances to terminate. After
// `pulumi cancel` (the README's step), the next destroy finishes: the
// account holds only the stores the stack keeps, the same ones as before.
func TestInterruptedDestroyFinishes(t *testing.T) {
	e := newEngine(t)
	s := e.stack(t, "dev")
	up(t, s)
	const prefix = "push-dev"
	kept := creations(e.world(t), prefix)
	require.NotEmpty(t, kept)
	const groups = "aws:autoscaling/group:Group"
	e.killWhile(t, groups, func() error { _, err := s.Destroy(context.Background()); return err },
		func() bool { return len(e.world(t).OfType(groups)) < 2 })

	_, err := s.Destroy(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the stack is currently locked")
	require.NoError(t, e.pulumiCLI("dev").Cancel(context.Background()), "pulumi cancel")
	destroy(t, s)
	assert.Equal(t, kept, creations(e.world(t), prefix), "the kept stores are the same ones")
	var left []string
	for k := range e.world(t).Resources {
		left = append(left, k)
	}
	assert.Len(t, left, len(kept), "nothing but the kept stores: %v", left)
}
