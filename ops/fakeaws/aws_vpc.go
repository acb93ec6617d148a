package fakeaws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
)

// vpcTypes are the types of pulumi-aws's vpc module (EC2 API).
var vpcTypes = map[string]resourceType{
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
		args: vpc.SecurityGroupEgressRuleArgs{}, state: vpc.SecurityGroupEgressRuleState{},
		doc: registryPage("vpc/securitygroupegressrule"),
		// Ports, protocol and peer go through ModifySecurityGroupRules; only
		// a switch between peer kinds (cidrIpv4, prefixListId,
		// referencedSecurityGroupId, ...) replaces the rule (ModifyPlan).
		replaceOnChanges: []string{"securityGroupId"},
		arn:              "arn:${Partition}:ec2:${Region}:${Account}:security-group-rule/${SecurityGroupRuleId}",
		arnDoc:           ec2ARNs,
		make:             makeSecurityGroupRule,
	},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
		args: vpc.SecurityGroupIngressRuleArgs{}, state: vpc.SecurityGroupIngressRuleState{},
		doc: registryPage("vpc/securitygroupingressrule"),
		// As for SecurityGroupEgressRule.
		replaceOnChanges: []string{"securityGroupId"},
		arn:              "arn:${Partition}:ec2:${Region}:${Account}:security-group-rule/${SecurityGroupRuleId}",
		arnDoc:           ec2ARNs,
		make:             makeSecurityGroupRule,
	},
}

// makeSecurityGroupRule: a rule's ID is its security group rule ID.
func makeSecurityGroupRule(m *made) string {
	id := m.generated("sgr-")
	m.set("securityGroupRuleId", id)
	m.set("arn", m.arnOf("SecurityGroupRuleId", id))
	return id
}
