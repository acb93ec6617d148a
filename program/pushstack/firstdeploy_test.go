package pushstack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// typicalCreateSeconds models how long AWS typically takes to create a
// resource of each type (observed orders of magnitude, not measurements
// here); other types take defaultCreateSeconds. An Auto Scaling group's
// time is its wait for healthy nodes: boot, Docker, image pull.
var typicalCreateSeconds = map[string]float64{
	"aws:lb/loadBalancer:LoadBalancer":                          180,
	"aws:autoscaling/group:Group":                               300,
	"aws:elasticache/replicationGroup:ReplicationGroup":         600,
	"aws:ec2/natGateway:NatGateway":                             120,
	"aws:acm/certificateValidation:CertificateValidation":       120,
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": 60,
	"aws:lambda/function:Function":                              60,
	"aws:ec2/instance:Instance":                                 60,
	"aws:dynamodb/table:Table":                                  20,
	"aws:iam/role:Role":                                         10,
	"aws:iam/instanceProfile:InstanceProfile":                   10,
}

const defaultCreateSeconds = 5

// criticalPath is the longest chain of creations through the plan's
// dependsOn (what the engine waits for), in modelled seconds, and the
// slowest single resource.
func criticalPath(p *plan.Plan) (path, slowest float64) {
	byURN := map[string]plan.Resource{}
	for _, r := range p.Resources {
		byURN[r.URN] = r
	}
	done := map[string]float64{}
	var finish func(urn string) float64
	finish = func(urn string) float64 {
		if t, ok := done[urn]; ok {
			return t
		}
		r := byURN[urn]
		start := 0.0
		for _, dep := range r.Options.DependsOn {
			start = max(start, finish(dep))
		}
		own := 0.0
		if r.Custom {
			own = defaultCreateSeconds
			if t, ok := typicalCreateSeconds[r.Type]; ok {
				own = t
			}
		}
		slowest = max(slowest, own)
		done[urn] = start + own
		return done[urn]
	}
	for _, r := range p.Resources {
		path = max(path, finish(r.URN))
	}
	return path, slowest
}

// TestFirstDeployIsBoundedByItsSlowestResource: on the model above, the
// first `pulumi up` of each tier takes little more than its slowest
// resource: the nodes no longer wait for the load balancer.
func TestFirstDeployIsBoundedByItsSlowestResource(t *testing.T) {
	for name, config := range configs {
		path, slowest := criticalPath(runPlan(t, config, nil))
		assert.LessOrEqual(t, path, 1.25*slowest, "%s: critical path %.0f s against the slowest resource's %.0f s", name, path, slowest)
		t.Logf("%s: critical path %.0f s, slowest resource %.0f s", name, path, slowest)
	}
}
