package deploypolicy

// autoscalingPage is EC2 Auto Scaling's page of the Service Authorization
// Reference.
var autoscalingPage = sar("amazonec2autoscaling")

// group scopes to the Auto Scaling group named by the input key (its ARN
// holds an ID AWS chooses, then the name).
func group(key string) Scope {
	return func(t Target, s Subject) []string {
		name := s.str(key)
		if key == "name" {
			name = s.physical(key)
		}
		return []string{t.regional("autoscaling", "autoScalingGroup:*:autoScalingGroupName/"+name)}
	}
}

// groupOf scopes to the group the input autoscalingGroupName names: the stack's
// group of that name, by its logical name.
func groupOf(t Target, s Subject) []string {
	name := s.str("autoscalingGroupName")
	for _, r := range s.Plan.Find("aws:autoscaling/group:Group") {
		if r.Outputs["name"].IsString() && r.Outputs["name"].StringValue() == name {
			return group("name")(t, Subject{Type: r.Type, Name: r.Name, Inputs: r.Inputs, Plan: s.Plan})
		}
	}
	return nil
}

var autoscalingEntries = map[string]Entry{
	"aws:autoscaling/group:Group": {Reference: []string{autoscalingPage, ec2Page, lbPage, iamPage, ssmPage},
		Provider: providerSource("autoscaling/group.go"), Grants: []Grant{
			{Op: Create, Actions: []string{"autoscaling:CreateAutoScalingGroup"}, On: group("name")},
			serviceLinkedRole("autoscaling.amazonaws.com"),
			// A group with a launch template: the caller must be allowed
			// to launch from it (ec2:RunInstances, ec2:CreateTags for the
			// template's tags, ssm:GetParameters for its image, iam:PassRole
			// of its instance profile's role: aws_iam.go;
			// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-launch-template-permissions.html).
			{Op: Create, Actions: []string{"ec2:RunInstances"}, On: launchScope},
			{Op: Create, Actions: []string{"ec2:CreateTags"}, On: anyOf("ec2")},
			{Op: Create, Actions: []string{"ssm:GetParameters"}, On: amiParameters},
			// Creating waits for capacity: the scaling activities, and
			// min_elb_capacity healthy targets.
			{Op: Read, Actions: []string{"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeScalingActivities",
				"autoscaling:DescribeTrafficSources", "autoscaling:DescribeLoadBalancerTargetGroups",
				"autoscaling:DescribeLoadBalancers", "autoscaling:DescribeInstanceRefreshes", "autoscaling:DescribeWarmPool",
				"autoscaling:DescribeTags", "elasticloadbalancing:DescribeTargetHealth", "ec2:DescribeLaunchTemplateVersions"}},
			// A new launch template version starts an instance refresh,
			// cancelling one under way first; the program's after-update
			// hook cancels one that never finishes (components.RefreshWait).
			{Op: Update, Actions: []string{"autoscaling:UpdateAutoScalingGroup", "autoscaling:StartInstanceRefresh",
				"autoscaling:CancelInstanceRefresh",
				"autoscaling:AttachLoadBalancerTargetGroups", "autoscaling:DetachLoadBalancerTargetGroups",
				"autoscaling:AttachTrafficSources", "autoscaling:DetachTrafficSources"}, On: group("name")},
			{Op: Tag, Actions: []string{"autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags"}, On: group("name")},
			// Deleting sets the size to 0 first (UpdateAutoScalingGroup).
			{Op: Delete, Actions: []string{"autoscaling:DeleteAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup"}, On: group("name")},
		}},
	"aws:autoscaling/policy:Policy": {Reference: []string{autoscalingPage}, Provider: providerSource("autoscaling/policy.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"autoscaling:PutScalingPolicy"}, On: groupOf},
		{Op: Read, Actions: []string{"autoscaling:DescribePolicies"}},
		{Op: Delete, Actions: []string{"autoscaling:DeletePolicy"}, On: groupOf},
	}},
}
