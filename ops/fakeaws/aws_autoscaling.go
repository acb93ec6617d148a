package fakeaws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
)

var autoscalingTypes = map[string]resourceType{
	"aws:autoscaling/group:Group": {
		args: autoscaling.GroupArgs{}, state: autoscaling.GroupState{},
		doc: registryPage("autoscaling/group"),
		// Everything else, launchTemplate and vpcZoneIdentifiers included,
		// goes through UpdateAutoScalingGroup.
		replaceOnChanges:  []string{"initialLifecycleHooks", "name", "namePrefix"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 255,
		arn:               "arn:${Partition}:autoscaling:${Region}:${Account}:autoScalingGroup:${GroupId}:autoScalingGroupName/${GroupFriendlyName}",
		arnDoc:            serviceAuthorization("amazonec2autoscaling"),
		make: func(m *made) string {
			m.set("arn", m.arnOf("GroupId", m.uuid(), "GroupFriendlyName", m.name()))
			return m.name()
		},
	},
	"aws:autoscaling/policy:Policy": {
		args: autoscaling.PolicyArgs{}, state: autoscaling.PolicyState{},
		doc: registryPage("autoscaling/policy"),
		// PutScalingPolicy updates in place, targetTrackingConfiguration
		// included. The name is unique only within its group.
		replaceOnChanges:  []string{"autoscalingGroupName", "name"},
		autoName:          "name",
		autoNameMaxLength: 255,
		// The PolicyARN PutScalingPolicy returns (its example response).
		arn:    "arn:${Partition}:autoscaling:${Region}:${Account}:scalingPolicy:${PolicyId}:autoScalingGroupName/${GroupFriendlyName}:policyName/${PolicyName}",
		arnDoc: "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html#API_PutScalingPolicy_Examples",
		make: func(m *made) string {
			m.set("arn", m.arnOf("PolicyId", m.uuid(), "GroupFriendlyName", m.str("autoscalingGroupName"), "PolicyName", m.name()))
			return m.name()
		},
	},
}
