package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// VpcCidr is the address range of the stack's VPC. Public subnets take the
// first /20 blocks; the upper half (10.20.128.0/17) is left for the private
// subnets of the processor tier, so adding them replaces nothing.
const VpcCidr = "10.20.0.0/16"

// publicSubnetCidrs are the public subnets, one per availability zone.
var publicSubnetCidrs = []string{"10.20.0.0/20", "10.20.16.0/20"}

// Network is the stack's own VPC with public subnets in two availability
// zones, an internet gateway and a default route through it.
type Network struct {
	pulumi.ResourceState

	VpcID           pulumi.StringOutput      `pulumi:"vpcId"`
	VpcCidr         pulumi.StringOutput      `pulumi:"vpcCidr"`
	PublicSubnetIDs pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
}

// NetworkArgs places the subnets.
type NetworkArgs struct {
	// AvailabilityZones holds at least two zone names; the first two are used.
	// A plain list: the number of subnets must be known when the program runs.
	AvailabilityZones []string
}

// NewNetwork registers the VPC, its internet gateway, public route table and
// one public subnet in each of the first two availability zones.
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	if len(args.AvailabilityZones) < len(publicSubnetCidrs) {
		return nil, fmt.Errorf("network %s: need %d availability zones, the region offers %d",
			name, len(publicSubnetCidrs), len(args.AvailabilityZones))
	}
	n := &Network{}
	if err := ctx.RegisterComponentResource(Project+":network:Network", name, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)

	vpc, err := ec2.NewVpc(ctx, name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(VpcCidr),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("vpc: %w", err)
	}
	igw, err := ec2.NewInternetGateway(ctx, name, &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("internet gateway: %w", err)
	}
	routes, err := ec2.NewRouteTable(ctx, name+"-public", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Routes: ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{
			CidrBlock: pulumi.String("0.0.0.0/0"),
			GatewayId: igw.ID(),
		}},
		Tags: pulumi.StringMap{"Name": pulumi.String(name + "-public")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("public route table: %w", err)
	}
	subnetIDs, err := newSubnets(ctx, name+"-public", vpc.ID(), publicSubnetCidrs, args.AvailabilityZones, true, routes, parent)
	if err != nil {
		return nil, err
	}

	n.VpcID = vpc.ID().ToStringOutput()
	n.VpcCidr = vpc.CidrBlock
	n.PublicSubnetIDs = subnetIDs.ToStringArrayOutput()
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":           n.VpcID,
		"vpcCidr":         n.VpcCidr,
		"publicSubnetIds": n.PublicSubnetIDs,
	})
}

// newSubnets registers one subnet per CIDR block, the i-th in zones[i], each
// associated with routes, named "<name>-<i+1>". Public subnets give their
// instances public addresses.
func newSubnets(ctx *pulumi.Context, name string, vpcID pulumi.StringInput, cidrs, zones []string, public bool,
	routes *ec2.RouteTable, parent pulumi.ResourceOption) (pulumi.StringArray, error) {
	var ids pulumi.StringArray
	for i, cidr := range cidrs {
		subnetName := fmt.Sprintf("%s-%d", name, i+1)
		args := &ec2.SubnetArgs{
			VpcId:            vpcID,
			CidrBlock:        pulumi.String(cidr),
			AvailabilityZone: pulumi.String(zones[i]),
			Tags:             pulumi.StringMap{"Name": pulumi.String(subnetName)},
		}
		if public {
			args.MapPublicIpOnLaunch = pulumi.Bool(true)
		}
		subnet, err := ec2.NewSubnet(ctx, subnetName, args, parent)
		if err != nil {
			return nil, fmt.Errorf("subnet %s: %w", subnetName, err)
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, subnetName, &ec2.RouteTableAssociationArgs{
			SubnetId:     subnet.ID(),
			RouteTableId: routes.ID(),
		}, parent); err != nil {
			return nil, fmt.Errorf("route table association %s: %w", subnetName, err)
		}
		ids = append(ids, subnet.ID())
	}
	return ids, nil
}
