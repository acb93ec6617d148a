package fakeaws

import (
	"errors"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
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
		onUpdate: startInstanceRefresh,
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

// startInstanceRefresh: an update that changes the group's launch
// template starts an instance refresh (terraform-provider-aws
// autoscaling/group.go, after UpdateAutoScalingGroup; with auto_rollback it
// passes the template as DesiredConfiguration, PR #31715), counted in
// World.RefreshesStarted. AWS does not support a rollback when the
// group's launch template takes its ImageId from an SSM parameter (EC2
// Auto Scaling API Reference, RefreshPreferences.AutoRollback and
// RollbackInstanceRefresh); the fake refuses such a refresh as a
// ValidationError, the strict reading (AWS may instead accept it and then
// be unable to roll back).
func startInstanceRefresh(w *World, olds, news resource.PropertyMap) error {
	if equalValues(atPath(olds, "launchTemplate"), atPath(news, "launchTemplate")) {
		return nil
	}
	if err := refuseRollbackToAnSSMImage(w, news); err != nil {
		return err
	}
	if w.RefreshesStarted == nil {
		w.RefreshesStarted = map[string]int{}
	}
	w.RefreshesStarted[str(news, "name")]++
	return nil
}

func refuseRollbackToAnSSMImage(w *World, news resource.PropertyMap) error {
	if rollback := unwrap(atPath(news, "instanceRefresh.preferences.autoRollback")); !rollback.IsBool() || !rollback.BoolValue() {
		return nil
	}
	id := unwrap(atPath(news, "launchTemplate.id"))
	if !id.IsString() {
		return nil
	}
	lt := w.Get("aws:ec2/launchTemplate:LaunchTemplate", id.StringValue())
	if lt == nil {
		return nil
	}
	ins, err := Props(lt.Inputs)
	if err != nil {
		return err
	}
	if strings.HasPrefix(str(ins, "imageId"), "resolve:ssm:") {
		return errors.New("starting Auto Scaling Group instance refresh: ValidationError: a rollback is not supported for a launch template whose ImageId is an AWS Systems Manager parameter; set AutoRollback to false")
	}
	return nil
}
