package pushstack_test

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// statefulTypes are the types whose resources hold the data or the key:
// replacing one loses it.
var statefulTypes = []string{
	"aws:dynamodb/table:Table", "aws:s3/bucketV2:BucketV2", "aws:ssm/parameter:Parameter",
	"random:index/randomBytes:RandomBytes", "random:index/randomPassword:RandomPassword",
}

// replaceOnChange are the inputs whose change makes the provider replace
// a resource of type typ: the fake account's rules (ops/fakeaws), by
// which the engine tests replace too, so the two checks agree on it.
func replaceOnChange(t *testing.T, typ string) []string {
	t.Helper()
	inputs := fakeaws.ReplaceOnChanges(typ)
	require.NotEmpty(t, inputs, "the fake account knows which inputs of %s replace it", typ)
	return inputs
}

// tier tells which config brings a stateful resource.
func tier(r plan.Resource) string {
	switch {
	case r.Type == "aws:s3/bucketV2:BucketV2":
		return "firehose"
	case r.Name == "push-processor-messages" || r.Type == "random:index/randomPassword:RandomPassword" ||
		r.Name == "push-processor-redis-auth":
		return "processor"
	}
	return "default"
}

var tiersOf = map[string]map[string]bool{
	"default":   {"default": true},
	"firehose":  {"default": true, "firehose": true},
	"processor": {"default": true, "firehose": true, "processor": true},
}

func stateful(p *plan.Plan) []plan.Resource {
	var out []plan.Resource
	for _, r := range p.Resources {
		if slices.Contains(statefulTypes, r.Type) {
			out = append(out, r)
		}
	}
	return out
}

// assertKept checks that every stateful resource of from that to should
// also hold keeps its URN, provider and replace-forcing inputs in to.
func assertKept(t *testing.T, from, to *plan.Plan, toTiers map[string]bool) {
	t.Helper()
	byURN := map[string]plan.Resource{}
	for _, r := range to.Resources {
		byURN[r.URN] = r
	}
	checked := 0
	for _, old := range stateful(from) {
		if !toTiers[tier(old)] {
			continue // its tier is switched off: retained, not replaced
		}
		now, ok := byURN[old.URN]
		if !assert.True(t, ok, "%s lost its URN", old.URN) {
			continue
		}
		assert.Equal(t, old.Options.Provider, now.Options.Provider, "%s changes provider", old.URN)
		for _, key := range replaceOnChange(t, old.Type) {
			a, b := old.Inputs[resource.PropertyKey(key)], now.Inputs[resource.PropertyKey(key)]
			assert.True(t, a.DeepEquals(b), "%s: %s changes from %v to %v and forces a replacement", old.URN, key, a, b)
		}
		checked++
	}
	assert.NotZero(t, checked)
}

// TestUpgradesBetweenTiersKeepStatefulResources covers the six transitions
// between default, firehose and processor.
func TestUpgradesBetweenTiersKeepStatefulResources(t *testing.T) {
	plans := map[string]*plan.Plan{}
	for _, name := range []string{"default", "firehose", "processor"} {
		plans[name] = runPlan(t, configs[name], nil)
	}
	for from := range plans {
		for to := range plans {
			if from == to {
				continue
			}
			t.Run(from+"->"+to, func(t *testing.T) {
				assertKept(t, plans[from], plans[to], tiersOf[to])
			})
		}
	}
	// The stateful set of each tier is what the README promises.
	var names []string
	for _, r := range stateful(plans["processor"]) {
		names = append(names, r.Type+" "+r.Name)
	}
	assert.ElementsMatch(t, []string{
		"aws:dynamodb/table:Table push-tables-router",
		"aws:dynamodb/table:Table push-tables-message",
		"aws:dynamodb/table:Table push-processor-messages",
		"aws:s3/bucketV2:BucketV2 push-logs",
		"random:index/randomBytes:RandomBytes crypto-key",
		"aws:ssm/parameter:Parameter crypto-key",
		"random:index/randomPassword:RandomPassword push-processor-redis-auth",
		"aws:ssm/parameter:Parameter push-processor-redis-auth",
	}, names)
}

// TestNodeChangesKeepStatefulResources: sizes, types and image versions
// change launch templates and groups, never the data.
func TestNodeChangesKeepStatefulResources(t *testing.T) {
	base := runPlan(t, configs["processor"], nil)
	for name, change := range map[string]map[string]string{
		"node counts":   {"connectionNodesMin": "2", "connectionNodesDesired": "4", "connectionNodesMax": "8", "endpointNodesMax": "3"},
		"instance type": {"instanceType": "m7i.large", "messagesApiInstanceType": "t3.micro", "redisNodeType": "cache.m7g.large"},
		"image":         {"autopushImage": "ghcr.io/example/autopush", "autopushVersion": "1.58.5"},
		"ssh":           {"sshKeyName": "ops", "sshAllowedCidr": "198.51.100.0/24"},
		"nat":           {"natGateway": "true"},
	} {
		t.Run(name, func(t *testing.T) {
			config := map[string]string{"processor": "true"}
			for k, v := range change {
				config[k] = v
			}
			changed := runPlan(t, config, nil)
			assertKept(t, base, changed, tiersOf["processor"])
			// The change reaches the nodes as a new launch template, which
			// the groups roll out by instance refresh.
			for _, g := range changed.Find("aws:autoscaling/group:Group") {
				require.NotNil(t, masked(g, "instanceRefresh"), "%s rolls by instance refresh", g.Name)
			}
		})
	}
}
