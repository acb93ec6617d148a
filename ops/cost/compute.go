package cost

import (
	"fmt"
	"slices"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// The pages the table's instance and node prices come from.
const (
	instancePricesPage  = "https://aws.amazon.com/ec2/pricing/on-demand/"
	cacheNodePricesPage = "https://aws.amazon.com/elasticache/pricing/"
)

// autoScalingGroup prices the group's desired nodes, their volumes and
// their public addresses (nodes run in the public subnets).
func (c *pricer) autoScalingGroup(r plan.Resource) error {
	n := num(r.Inputs, "desiredCapacity")
	if err := c.instances(r, n); err != nil {
		return err
	}
	c.add(r, fmt.Sprintf("%g × public IPv4 address", n), n*c.month(c.prices.PublicIPv4Hourly))
	return nil
}

// instances prices n instances of r's launch template, with its volumes.
func (c *pricer) instances(r plan.Resource, n float64) error {
	lt, ok := c.templates[str(obj(r.Inputs, "launchTemplate"), "id")]
	if !ok {
		return fmt.Errorf("cost: %s %s: its launch template is not in the plan", r.Type, r.Name)
	}
	typ := str(lt.Inputs, "instanceType")
	hourly, ok := c.prices.InstanceHourly[typ]
	switch {
	case !ok && !stackconfig.IsEC2InstanceType(typ):
		l := stackconfig.EC2InstanceTypesSource()
		return fmt.Errorf("cost: %s is not an EC2 instance type (AWS's list of %s, %s, has no such name)", typ, l.Date, l.File)
	case !ok:
		return fmt.Errorf("cost: no price for instance type %s in %s; add it from %s (Linux, %s)", typ, PricesFile, instancePricesPage, c.prices.Region)
	}
	c.add(r, fmt.Sprintf("%g × %s instance", n, typ), n*c.month(hourly))
	for _, m := range arr(lt.Inputs, "blockDeviceMappings") {
		if m.IsObject() {
			gib := num(obj(m.ObjectValue(), "ebs"), "volumeSize")
			c.add(r, fmt.Sprintf("%g × %g GiB gp3 volume", n, gib), n*gib*c.prices.GP3GBMonth)
		}
	}
	return nil
}

// loadBalancer prices a Network Load Balancer's hours and its public
// address in each zone.
func (c *pricer) loadBalancer(r plan.Resource) {
	c.add(r, "Network Load Balancer (no LCU at no traffic)", c.month(c.prices.NetworkLoadBalancerHourly))
	zones := float64(len(arr(r.Inputs, "subnets")))
	c.add(r, fmt.Sprintf("%g × public IPv4 address (one per zone)", zones), zones*c.month(c.prices.PublicIPv4Hourly))
}

// cacheNodes prices a replication group's nodes.
func (c *pricer) cacheNodes(r plan.Resource) error {
	typ, n := str(r.Inputs, "nodeType"), num(r.Inputs, "numCacheClusters")
	hourly, ok := c.prices.CacheNodeHourly[typ]
	switch {
	case !ok && !slices.Contains(stackconfig.CacheNodeTypes, typ) && !slices.Contains(stackconfig.PreviousCacheNodeTypes, typ):
		l := stackconfig.CacheNodeTypesSource()
		return fmt.Errorf("cost: %s is not an ElastiCache node type (AWS's list of %s, %s, has no such name)", typ, l.Date, l.File)
	case !ok:
		return fmt.Errorf("cost: no price for ElastiCache node type %s in %s; add it from %s (%s)", typ, PricesFile, cacheNodePricesPage, c.prices.Region)
	}
	c.add(r, fmt.Sprintf("%g × %s node", n, typ), n*c.month(hourly))
	return nil
}
