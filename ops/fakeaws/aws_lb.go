package fakeaws

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
)

// lbARNs states the forms of Elastic Load Balancing V2's ARNs.
var lbARNs = serviceAuthorization("awselasticloadbalancingv2")

var lbTypes = map[string]resourceType{
	"aws:lb/listener:Listener": {
		args: lb.ListenerArgs{}, state: lb.ListenerState{},
		doc: registryPage("lb/listener"),
		// The port is unique only per load balancer (DuplicateListener).
		replaceOnChanges: []string{"loadBalancerArn"},
		arn:              "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:listener/net/${LoadBalancerName}/${LoadBalancerId}/${ListenerId}",
		arnDoc:           lbARNs,
		make:             makeListener,
	},
	"aws:lb/loadBalancer:LoadBalancer": {
		args: lb.LoadBalancerArgs{}, state: lb.LoadBalancerState{},
		doc: registryPage("lb/loadbalancer"),
		// securityGroups and subnets replace a network or gateway load
		// balancer in some cases only (CustomizeDiff); an application load
		// balancer updates them in place.
		replaceOnChanges: []string{"customerOwnedIpv4Pool", "internal", "loadBalancerType", "name", "namePrefix"},
		physicalName:     "name",
		// resources.go has no override for aws_lb, so the default 255 holds
		// although AWS refuses names over 32 characters.
		autoName:          "name",
		autoNameMaxLength: 255,
		arn:               "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:loadbalancer/net/${LoadBalancerName}/${LoadBalancerId}",
		arnDoc:            lbARNs,
		make:              makeNetworkLoadBalancer,
	},
	"aws:lb/targetGroup:TargetGroup": {
		args: lb.TargetGroupArgs{}, state: lb.TargetGroupState{},
		doc: registryPage("lb/targetgroup"),
		// healthCheck and deregistrationDelay are modified in place.
		replaceOnChanges:  []string{"ipAddressType", "name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 32,
		arn:               "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:targetgroup/${TargetGroupName}/${TargetGroupId}",
		arnDoc:            lbARNs,
		make: func(m *made) string {
			arn := m.arnOf("TargetGroupName", m.name(), "TargetGroupId", m.suffix)
			m.set("arn", arn)
			m.set("arnSuffix", arn[strings.Index(arn, ":targetgroup/")+1:])
			return arn
		},
	},
}

// makeNetworkLoadBalancer: a load balancer is known by its ARN; arnSuffix
// is the part after "loadbalancer/" (CloudWatch's LoadBalancer
// dimension), the DNS name is <name>-<id>.elb.<region>.amazonaws.com, and
// zoneId is the Route 53 hosted zone of network load balancers in
// us-east-1 ("Elastic Load Balancing endpoints and quotas"; other
// regions' are not modelled). Only network load balancers are modelled.
func makeNetworkLoadBalancer(m *made) string {
	if t := m.str("loadBalancerType"); t != "network" {
		m.fail(fmt.Errorf("fake aws: a load balancer of type %q is not modelled (only network)", t))
	}
	arn := m.arnOf("LoadBalancerName", m.name(), "LoadBalancerId", m.suffix)
	m.set("arn", arn)
	m.set("arnSuffix", arn[strings.Index(arn, ":loadbalancer/")+len(":loadbalancer/"):])
	m.set("zoneId", "Z26RNL4JYFTOTI")
	m.set("dnsName", m.name()+"-"+m.suffix+".elb."+m.region+".amazonaws.com")
	return arn
}

// makeListener: a listener is known by its ARN, which names its load
// balancer's name and ID.
func makeListener(m *made) string {
	_, nameAndID, ok := strings.Cut(m.str("loadBalancerArn"), ":loadbalancer/net/")
	name, lbID, _ := strings.Cut(nameAndID, "/")
	if !ok {
		m.fail(fmt.Errorf("fake aws: listener %s: loadBalancerArn %q is no network load balancer's", m.logical, m.str("loadBalancerArn")))
	}
	arn := m.arnOf("LoadBalancerName", name, "LoadBalancerId", lbID, "ListenerId", m.suffix)
	m.set("arn", arn)
	return arn
}
