package pushstack

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// checkAllowedSecurityGroup refuses, before any resource, a
// messagesApiAllowedSecurityGroup that AWS would refuse in the Messages
// API's ingress rule, after most of the stack was made: a rule may name a
// group of its own VPC, or of a VPC peered with it by an active peering
// connection in the same region
// (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html).
// The stack's VPC is the one tagged with the stack's tags (tags holds
// them); on a first `pulumi up` there is none, so no group of another VPC
// can be allowed yet. It returns a *stackconfig.Error or nil.
func checkAllowedSecurityGroup(ctx *pulumi.Context, group, region string, tags map[string]string, opts ...pulumi.InvokeOption) error {
	fail := func(problem string) error {
		return &stackconfig.Error{Key: "messagesApiAllowedSecurityGroup", Problem: problem,
			Hint: "deploy without it (pulumi config rm messagesApiAllowedSecurityGroup) and allow the dashboard by messagesApiAllowedCidrs, or peer its VPC with the stack's (output vpcId) and set it again"}
	}
	sg, err := lookUp(ctx, "aws:ec2/getSecurityGroup:getSecurityGroup", "look up security group "+group, func() (*ec2.LookupSecurityGroupResult, error) {
		return ec2.LookupSecurityGroup(ctx, &ec2.LookupSecurityGroupArgs{Id: pulumi.StringRef(group)}, opts...)
	})
	switch {
	case err != nil && notFound(err):
		return fail(fmt.Sprintf("%s was not found in %s, the region the stack deploys to (%v); a rule can name only a group of its own region and account", group, region, err))
	case err != nil:
		return err
	}
	stackVPCs, err := lookUp(ctx, "aws:ec2/getVpcs:getVpcs", "find the stack's VPC", func() (*ec2.GetVpcsResult, error) {
		return ec2.GetVpcs(ctx, &ec2.GetVpcsArgs{Tags: tags}, opts...)
	})
	if err != nil {
		return err
	}
	switch len(stackVPCs.Ids) {
	case 0:
		return fail(fmt.Sprintf("%s is in %s, and the stack's VPC does not exist yet, so no peering connection can join them; AWS refuses a rule naming a group of a VPC not peered with the rule's", group, sg.VpcId))
	case 1:
	default:
		return fmt.Errorf("find the stack's VPC: %d VPCs carry the stack's tags %v: %v", len(stackVPCs.Ids), tags, stackVPCs.Ids)
	}
	stackVPC := stackVPCs.Ids[0]
	if sg.VpcId == stackVPC {
		return nil
	}
	for _, pair := range [][2]string{{sg.VpcId, stackVPC}, {stackVPC, sg.VpcId}} {
		peerings, err := lookUp(ctx, "aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections", "find peering connections of "+stackVPC,
			func() (*ec2.GetVpcPeeringConnectionsResult, error) {
				return ec2.GetVpcPeeringConnections(ctx, &ec2.GetVpcPeeringConnectionsArgs{Filters: []ec2.GetVpcPeeringConnectionsFilter{
					{Name: "status-code", Values: []string{"active"}},
					{Name: "requester-vpc-info.vpc-id", Values: []string{pair[0]}},
					{Name: "accepter-vpc-info.vpc-id", Values: []string{pair[1]}},
				}}, opts...)
			})
		if err != nil {
			return err
		}
		if len(peerings.Ids) > 0 {
			return nil
		}
	}
	return fail(fmt.Sprintf("%s is in %s, which is neither the stack's VPC (%s) nor peered with it by an active peering connection; AWS refuses a rule naming it", group, sg.VpcId, stackVPC))
}
