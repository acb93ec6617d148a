package pushstack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/components"
)

// TestNoScalingWhenMinIsMax: the default min = max leaves the groups as
// they are: no policies, the desired count from the config.
func TestNoScalingWhenMinIsMax(t *testing.T) {
	p := runPlan(t, nil, nil)
	assert.Empty(t, p.Find("aws:autoscaling/policy:Policy"))
	for _, g := range p.Find("aws:autoscaling/group:Group") {
		assert.Empty(t, g.Options.IgnoreChanges, g.Name)
		assert.NotContains(t, g.Inputs, "terminationPolicies", g.Name)
	}
}

// TestScalingOnLoad: a group with min < max tracks CPU, and the
// connection group also tracks client connections per node, which idle
// websockets raise without CPU.
func TestScalingOnLoad(t *testing.T) {
	p := runPlan(t, map[string]string{
		"connectionNodesMin": "2", "connectionNodesDesired": "2", "connectionNodesMax": "6",
		"endpointNodesMin": "1", "endpointNodesDesired": "1", "endpointNodesMax": "4",
		"nodeCpuTargetPercent": "55", "connectionsPerNodeTarget": "20000",
	}, nil)
	policies := map[string]bool{}
	for _, pol := range p.Find("aws:autoscaling/policy:Policy") {
		policies[pol.Name] = true
		assert.Equal(t, "TargetTrackingScaling", str(t, pol, "policyType"), pol.Name)
	}
	assert.Equal(t, map[string]bool{"push-connection-cpu": true, "push-connection-connections": true, "push-endpoint-cpu": true}, policies)

	for _, name := range []string{"push-connection", "push-endpoint"} {
		group := one(t, p, "aws:autoscaling/group:Group", name)
		assert.Equal(t, []string{"desiredCapacity"}, group.Options.IgnoreChanges, "%s: the policies own the desired count", name)
		assert.Equal(t, float64(components.InstanceWarmupSeconds), masked(group, "defaultInstanceWarmup"), name)
		cpu := one(t, p, "aws:autoscaling/policy:Policy", name+"-cpu")
		assert.Equal(t, group.ID, str(t, cpu, "autoscalingGroupName"), "the group's name (its ID)")
		assert.Equal(t, map[string]interface{}{
			"predefinedMetricSpecification": map[string]interface{}{"predefinedMetricType": "ASGAverageCPUUtilization"},
			"targetValue":                   55.0,
		}, masked(cpu, "targetTrackingConfiguration"), name)
	}
	connection := one(t, p, "aws:autoscaling/group:Group", "push-connection")
	assert.Equal(t, []interface{}{"NewestInstance"}, masked(connection, "terminationPolicies"),
		"scaling in takes the node with the fewest clients")
	assert.NotContains(t, one(t, p, "aws:autoscaling/group:Group", "push-endpoint").Inputs, "terminationPolicies")

	tracking := masked(one(t, p, "aws:autoscaling/policy:Policy", "push-connection-connections"), "targetTrackingConfiguration").(map[string]interface{})
	assert.Equal(t, 20000.0, tracking["targetValue"])
	queries := map[string]map[string]interface{}{}
	for _, q := range tracking["customizedMetricSpecification"].(map[string]interface{})["metrics"].([]interface{}) {
		m := q.(map[string]interface{})
		queries[m["id"].(string)] = m
	}
	require.Len(t, queries, 3)
	nlb := one(t, p, "aws:lb/loadBalancer:LoadBalancer", "push")
	tg := one(t, p, "aws:lb/targetGroup:TargetGroup", "push-connection")
	lbDim := map[string]interface{}{"name": "LoadBalancer", "value": output(t, nlb, "arnSuffix")}
	tgDim := map[string]interface{}{"name": "TargetGroup", "value": output(t, tg, "arnSuffix")}
	for id, want := range map[string][]interface{}{
		// ActiveFlowCount has only load balancer and zone dimensions.
		"flows": {"ActiveFlowCount", []interface{}{lbDim}},
		"nodes": {"HealthyHostCount", []interface{}{lbDim, tgDim}},
	} {
		stat := queries[id]["metricStat"].(map[string]interface{})
		metric := stat["metric"].(map[string]interface{})
		assert.Equal(t, "AWS/NetworkELB", metric["namespace"], id)
		assert.Equal(t, want[0], metric["metricName"], id)
		assert.Equal(t, want[1], metric["dimensions"], id)
		assert.Equal(t, "Average", stat["stat"], id)
		assert.Equal(t, false, queries[id]["returnData"], id)
	}
	assert.Equal(t, "flows / FILL(nodes, 1)", queries["connections"]["expression"])
	assert.Equal(t, true, queries["connections"]["returnData"], "the policy tracks one series")

	// Only the group whose min < max scales.
	p = runPlan(t, map[string]string{"endpointNodesMax": "3"}, nil)
	var names []string
	for _, pol := range p.Find("aws:autoscaling/policy:Policy") {
		names = append(names, pol.Name)
	}
	assert.Equal(t, []string{"push-endpoint-cpu"}, names)
}
