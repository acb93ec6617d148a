package deploypolicy

// iamPage is IAM's page of the Service Authorization Reference.
var iamPage = sar("awsidentityandaccessmanagementiam")

// ownRole scopes to the role itself ("role/<name>").
func ownRole(t Target, s Subject) []string {
	return []string{t.global("iam", "role/"+s.physical("name"))}
}

// passRole lets the stack's roles be passed only to the services their
// trust policies name (iam:PassedToService, on IAM's page; the
// condition AWS shows in
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html):
// EC2 (instance profiles, launch templates, Auto Scaling groups), Lambda
// and Firehose. AddRoleToInstanceProfile, CreateFunction,
// CreateDeliveryStream, RunInstances and CreateAutoScalingGroup list it
// as a dependent action.
var passRole = Grant{Op: Create, Actions: []string{"iam:PassRole"}, On: ownRole,
	If: func(s Subject) (Condition, bool) {
		services := trustedServices(s)
		return Condition{"StringEquals": {"iam:PassedToService": services}}, len(services) > 0
	}}

// serviceLinkedRole lets the account's first use of a service create the
// service's service-linked role (a dependent action of the service's
// create call on its page), only that role
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html#service-linked-role-permissions).
func serviceLinkedRole(service string) Grant {
	return Grant{Op: Create, Actions: []string{"iam:CreateServiceLinkedRole"},
		On: func(t Target, _ Subject) []string {
			return []string{t.global("iam", "role/aws-service-role/"+service+"/*")}
		},
		If: always(Condition{"StringEquals": {"iam:AWSServiceName": {service}}})}
}

var iamEntries = map[string]Entry{
	"aws:iam/role:Role": {Reference: []string{iamPage}, Provider: providerSource("iam/role.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"iam:CreateRole"}, On: ownRole},
		// Inline and managed policies are read with the role.
		{Op: Read, Actions: []string{"iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"}, On: ownRole},
		{Op: Update, Actions: []string{"iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription"}, On: ownRole},
		{Op: Tag, Actions: []string{"iam:TagRole", "iam:UntagRole"}, On: ownRole},
		// Deleting removes the role from its instance profiles first.
		{Op: Delete, Actions: []string{"iam:DeleteRole", "iam:ListInstanceProfilesForRole"}, On: ownRole},
		passRole,
	}},
	"aws:iam/rolePolicy:RolePolicy": {Reference: []string{iamPage}, Provider: providerSource("iam/role_policy.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"iam:PutRolePolicy"}, On: roleOf("role")},
		{Op: Read, Actions: []string{"iam:GetRolePolicy"}, On: roleOf("role")},
		{Op: Delete, Actions: []string{"iam:DeleteRolePolicy"}, On: roleOf("role")},
	}},
	"aws:iam/instanceProfile:InstanceProfile": {Reference: []string{iamPage}, Provider: providerSource("iam/instance_profile.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"}, On: ownProfile},
		{Op: Read, Actions: []string{"iam:GetInstanceProfile"}, On: ownProfile},
		{Op: Read, Actions: []string{"iam:GetRole"}, On: roleOf("role")},
		{Op: Tag, Actions: []string{"iam:TagInstanceProfile", "iam:UntagInstanceProfile"}, On: ownProfile},
		{Op: Delete, Actions: []string{"iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"}, On: ownProfile},
	}},
}

// ownProfile scopes to the instance profile itself.
func ownProfile(t Target, s Subject) []string {
	return []string{t.global("iam", "instance-profile/"+s.physical("name"))}
}
