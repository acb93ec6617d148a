package deploypolicy

// ec2Page is EC2's page of the Service Authorization Reference.
var ec2Page = sar("amazonec2")

// ec2Tags are EC2's tagging calls (tags.go: CreateTags, DeleteTags; the
// tags a create call carries need CreateTags too: it is a dependent action
// of every Create* on the reference page).
var ec2Tags = Grant{Op: Tag, Actions: []string{"ec2:CreateTags", "ec2:DeleteTags"}, On: anyOf("ec2")}

// lambdaInterfaces: deleting a security group or subnet first detaches
// and deletes the network interfaces Lambda made in it
// (vpc_security_group.go, vpc_subnet.go: DescribeNetworkInterfaces,
// DetachNetworkInterface, DeleteNetworkInterface); they are Lambda's, not
// the stack's, so only the account scopes them.
var lambdaInterfaces = []Grant{
	{Op: Delete, Actions: []string{"ec2:DescribeNetworkInterfaces"}},
	{Op: Delete, Actions: []string{"ec2:DetachNetworkInterface", "ec2:DeleteNetworkInterface"}, On: anyOf("ec2")},
}

// ec2Entry is an EC2 type's entry: every grant not "*" on the account's
// EC2 resources of the region (EC2 IDs are chosen by AWS at creation, so
// no policy written before can name them), and the tagging calls.
func ec2Entry(file string, grants ...Grant) Entry {
	return Entry{Reference: []string{ec2Page, ssmPage}, Provider: providerSource("ec2/" + file), Grants: append(grants, ec2Tags)}
}

// amiParameters are the public SSM parameters the launch templates
// resolve their image from ("resolve:ssm:", program/components/service.go);
// ssm:GetParameters on them is a dependent action of ec2:RunInstances on
// the reference page. Public parameters' ARNs have no account.
func amiParameters(t Target, _ Subject) []string {
	region := t.Region
	if region == "" {
		region = "*"
	}
	return []string{"arn:" + t.Partition + ":ssm:" + region + "::parameter/aws/service/ami-amazon-linux-latest/*"}
}

// launchScope is what launching an instance from the stack's launch
// templates touches: the account's EC2 resources and the public Amazon
// Linux images (an image ARN has no account).
func launchScope(t Target, s Subject) []string {
	region := t.Region
	if region == "" {
		region = "*"
	}
	return append(anyOf("ec2")(t, s), "arn:"+t.Partition+":ec2:"+region+"::image/*")
}

var ec2Entries = map[string]Entry{
	"aws:ec2/vpc:Vpc": ec2Entry("vpc_.go",
		Grant{Op: Create, Actions: []string{"ec2:CreateVpc"}, On: anyOf("ec2")},
		// The read looks up the VPC's default network ACL, main route
		// table and default security group.
		Grant{Op: Read, Actions: []string{"ec2:DescribeVpcs", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables",
			"ec2:DescribeSecurityGroups"}},
		Grant{Op: Read, Actions: []string{"ec2:DescribeVpcAttribute"}, On: anyOf("ec2")},
		Grant{Op: Update, Actions: []string{"ec2:ModifyVpcAttribute"}, On: anyOf("ec2")},
		Grant{Op: Delete, Actions: []string{"ec2:DeleteVpc"}, On: anyOf("ec2")},
	),
	"aws:ec2/subnet:Subnet": ec2Entry("vpc_subnet.go", append([]Grant{
		{Op: Create, Actions: []string{"ec2:CreateSubnet"}, On: anyOf("ec2")},
		{Op: Read, Actions: []string{"ec2:DescribeSubnets"}},
		{Op: Update, Actions: []string{"ec2:ModifySubnetAttribute"}, On: anyOf("ec2")},
		{Op: Delete, Actions: []string{"ec2:DeleteSubnet"}, On: anyOf("ec2")},
	}, lambdaInterfaces...)...),
	"aws:ec2/internetGateway:InternetGateway": ec2Entry("vpc_internet_gateway.go",
		Grant{Op: Create, Actions: []string{"ec2:CreateInternetGateway", "ec2:AttachInternetGateway"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeInternetGateways"}},
		Grant{Op: Delete, Actions: []string{"ec2:DetachInternetGateway", "ec2:DeleteInternetGateway"}, On: anyOf("ec2")},
	),
	"aws:ec2/routeTable:RouteTable": ec2Entry("vpc_route_table.go",
		Grant{Op: Create, Actions: []string{"ec2:CreateRouteTable", "ec2:CreateRoute"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeRouteTables"}},
		Grant{Op: Update, Actions: []string{"ec2:ReplaceRoute", "ec2:DeleteRoute"}, On: anyOf("ec2")},
		Grant{Op: Delete, Actions: []string{"ec2:DeleteRouteTable"}, On: anyOf("ec2")},
	),
	"aws:ec2/routeTableAssociation:RouteTableAssociation": ec2Entry("vpc_route_table_association.go",
		Grant{Op: Create, Actions: []string{"ec2:AssociateRouteTable"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeRouteTables"}},
		Grant{Op: Update, Actions: []string{"ec2:ReplaceRouteTableAssociation"}, On: anyOf("ec2")},
		Grant{Op: Delete, Actions: []string{"ec2:DisassociateRouteTable"}, On: anyOf("ec2")},
	),
	"aws:ec2/securityGroup:SecurityGroup": ec2Entry("vpc_security_group.go", append([]Grant{
		// Creating revokes the egress rule AWS adds to a new group; the
		// stack's rules are resources of their own (aws_vpc.go).
		{Op: Create, Actions: []string{"ec2:CreateSecurityGroup", "ec2:RevokeSecurityGroupEgress"}, On: anyOf("ec2")},
		{Op: Read, Actions: []string{"ec2:DescribeSecurityGroups"}},
		{Op: Delete, Actions: []string{"ec2:DeleteSecurityGroup"}, On: anyOf("ec2")},
	}, lambdaInterfaces...)...),
	"aws:ec2/vpcEndpoint:VpcEndpoint": ec2Entry("vpc_endpoint.go",
		Grant{Op: Create, Actions: []string{"ec2:CreateVpcEndpoint"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"}},
		Grant{Op: Update, Actions: []string{"ec2:ModifyVpcEndpoint"}, On: anyOf("ec2")},
		Grant{Op: Delete, Actions: []string{"ec2:DeleteVpcEndpoints"}, On: anyOf("ec2")},
	),
	"aws:ec2/natGateway:NatGateway": ec2Entry("vpc_nat_gateway.go",
		Grant{Op: Create, Actions: []string{"ec2:CreateNatGateway"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeNatGateways"}},
		Grant{Op: Delete, Actions: []string{"ec2:DeleteNatGateway"}, On: anyOf("ec2")},
	),
	"aws:ec2/eip:Eip": ec2Entry("ec2_eip.go",
		Grant{Op: Create, Actions: []string{"ec2:AllocateAddress", "ec2:AssociateAddress"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeAddresses"}},
		Grant{Op: Delete, Actions: []string{"ec2:DisassociateAddress", "ec2:ReleaseAddress"}, On: anyOf("ec2")},
	),
	"aws:ec2/networkInterface:NetworkInterface": ec2Entry("vpc_network_interface.go",
		Grant{Op: Create, Actions: []string{"ec2:CreateNetworkInterface"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeNetworkInterfaces"}},
		Grant{Op: Update, Actions: []string{"ec2:ModifyNetworkInterfaceAttribute"}, On: anyOf("ec2")},
		Grant{Op: Delete, Actions: []string{"ec2:DetachNetworkInterface", "ec2:DeleteNetworkInterface"}, On: anyOf("ec2")},
	),
	"aws:ec2/launchTemplate:LaunchTemplate": ec2Entry("ec2_launch_template.go",
		Grant{Op: Create, Actions: []string{"ec2:CreateLaunchTemplate"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"}},
		Grant{Op: Update, Actions: []string{"ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"}, On: anyOf("ec2")},
		Grant{Op: Delete, Actions: []string{"ec2:DeleteLaunchTemplate"}, On: anyOf("ec2")},
	),
	"aws:ec2/instance:Instance": ec2Entry("ec2_instance.go",
		// Launched from a launch template whose image is an SSM parameter
		// (iam:PassRole of its instance profile's role: aws_iam.go).
		Grant{Op: Create, Actions: []string{"ec2:RunInstances"}, On: launchScope},
		Grant{Op: Create, Actions: []string{"ssm:GetParameters"}, On: amiParameters},
		Grant{Op: Read, Actions: []string{"ec2:DescribeInstanceAttribute"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeInstances", "ec2:DescribeInstanceTypes",
			"ec2:DescribeInstanceCreditSpecifications", "ec2:DescribeVolumes", "ec2:DescribeImages",
			"ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeIamInstanceProfileAssociations"}},
		Grant{Op: Update, Actions: []string{"ec2:ModifyInstanceAttribute", "ec2:ModifyInstanceMetadataOptions",
			"ec2:StopInstances", "ec2:StartInstances"}, On: anyOf("ec2")},
		Grant{Op: Delete, Actions: []string{"ec2:TerminateInstances"}, On: anyOf("ec2")},
	),
}

// vpcEntries are the types of the aws:vpc module (security group rules
// as resources of their own).
var vpcEntries = map[string]Entry{
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ec2Entry("vpc_security_group_ingress_rule.go",
		Grant{Op: Create, Actions: []string{"ec2:AuthorizeSecurityGroupIngress"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeSecurityGroupRules"}},
		Grant{Op: Update, Actions: []string{"ec2:ModifySecurityGroupRules"}, On: anyOf("ec2")},
		Grant{Op: Delete, Actions: []string{"ec2:RevokeSecurityGroupIngress"}, On: anyOf("ec2")},
	),
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ec2Entry("vpc_security_group_egress_rule.go",
		Grant{Op: Create, Actions: []string{"ec2:AuthorizeSecurityGroupEgress"}, On: anyOf("ec2")},
		Grant{Op: Read, Actions: []string{"ec2:DescribeSecurityGroupRules"}},
		Grant{Op: Update, Actions: []string{"ec2:ModifySecurityGroupRules"}, On: anyOf("ec2")},
		Grant{Op: Delete, Actions: []string{"ec2:RevokeSecurityGroupEgress"}, On: anyOf("ec2")},
	),
}
