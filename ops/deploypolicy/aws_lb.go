package deploypolicy

// lbPage is Elastic Load Balancing V2's page of the Service
// Authorization Reference.
var lbPage = sar("awselasticloadbalancingv2")

// loadBalancer scopes to the network load balancer itself (its ARN ends in
// an ID ELB chooses).
func loadBalancer(t Target, s Subject) []string {
	return []string{t.regional("elasticloadbalancing", "loadbalancer/net/"+s.physical("name")+"/*")}
}

// targetGroup scopes to the target group itself.
func targetGroup(t Target, s Subject) []string {
	return []string{t.regional("elasticloadbalancing", "targetgroup/"+s.physical("name")+"/*")}
}

// listenersLoadBalancer is the name pattern of the stack's load balancer
// the input loadBalancerArn names ("" when the plan has none).
func listenersLoadBalancer(s Subject) string {
	for _, r := range s.Plan.Find("aws:lb/loadBalancer:LoadBalancer") {
		if r.Outputs["arn"].IsString() && r.Outputs["arn"].StringValue() == s.Inputs["loadBalancerArn"].StringValue() {
			return Subject{Type: r.Type, Name: r.Name, Inputs: r.Inputs, Plan: s.Plan}.physical("name")
		}
	}
	return ""
}

// listener scopes to the listeners of the listener's load balancer.
func listener(t Target, s Subject) []string {
	if lb := listenersLoadBalancer(s); lb != "" {
		return []string{t.regional("elasticloadbalancing", "listener/net/"+lb+"/*")}
	}
	return nil
}

// listenerParent scopes to the listener's load balancer, on which the
// reference authorizes CreateListener.
func listenerParent(t Target, s Subject) []string {
	if lb := listenersLoadBalancer(s); lb != "" {
		return []string{t.regional("elasticloadbalancing", "loadbalancer/net/"+lb+"/*")}
	}
	return nil
}

// lbDescribe are the Describe calls of ELB, which the reference lists
// with no resource type.
func lbDescribe(actions ...string) Grant { return Grant{Op: Read, Actions: actions} }

var lbEntries = map[string]Entry{
	"aws:lb/loadBalancer:LoadBalancer": {Reference: []string{lbPage, iamPage}, Provider: providerSource("elbv2/load_balancer.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"elasticloadbalancing:CreateLoadBalancer"}, On: loadBalancer},
		serviceLinkedRole("elasticloadbalancing.amazonaws.com"),
		lbDescribe("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes"),
		{Op: Update, Actions: []string{"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSubnets",
			"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetIpAddressType"}, On: loadBalancer},
		{Op: Tag, Actions: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}, On: loadBalancer},
		lbDescribe("elasticloadbalancing:DescribeTags"),
		{Op: Delete, Actions: []string{"elasticloadbalancing:DeleteLoadBalancer"}, On: loadBalancer},
	}},
	"aws:lb/targetGroup:TargetGroup": {Reference: []string{lbPage}, Provider: providerSource("elbv2/target_group.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"elasticloadbalancing:CreateTargetGroup"}, On: targetGroup},
		lbDescribe("elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes"),
		{Op: Update, Actions: []string{"elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"}, On: targetGroup},
		{Op: Tag, Actions: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}, On: targetGroup},
		lbDescribe("elasticloadbalancing:DescribeTags"),
		{Op: Delete, Actions: []string{"elasticloadbalancing:DeleteTargetGroup"}, On: targetGroup},
	}},
	"aws:lb/listener:Listener": {Reference: []string{lbPage}, Provider: providerSource("elbv2/listener.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"elasticloadbalancing:CreateListener"}, On: listenerParent},
		lbDescribe("elasticloadbalancing:DescribeListeners"),
		{Op: Update, Actions: []string{"elasticloadbalancing:ModifyListener"}, On: listener},
		{Op: Tag, Actions: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}, On: listener},
		lbDescribe("elasticloadbalancing:DescribeTags"),
		{Op: Delete, Actions: []string{"elasticloadbalancing:DeleteListener"}, On: listener},
	}},
}
