package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// privateSubnetCidrs are the processor tier's private subnets, in the half
// of the VPC the core network leaves free.
var privateSubnetCidrs = []string{"10.20.128.0/20", "10.20.144.0/20"}

// PrivateNetwork adds private subnets in two availability zones to the
// stack's VPC, with gateway VPC endpoints for S3 and DynamoDB so the
// processor reaches both without a NAT gateway; a NAT gateway is optional.
// It changes nothing the core Network made.
type PrivateNetwork struct {
	pulumi.ResourceState

	SubnetIDs pulumi.StringArrayOutput `pulumi:"subnetIds"`
	// S3PrefixListID and DynamoDBPrefixListID are the AWS prefix lists the
	// gateway endpoints route, for security group egress rules.
	S3PrefixListID       pulumi.StringOutput `pulumi:"s3PrefixListId"`
	DynamoDBPrefixListID pulumi.StringOutput `pulumi:"dynamodbPrefixListId"`
}

// PrivateNetworkArgs places the private subnets.
type PrivateNetworkArgs struct {
	VpcID pulumi.StringInput
	// AvailabilityZones are the zones of the public subnets, in order.
	AvailabilityZones []string
	Region            string
	// NATGateway adds a NAT gateway (in PublicSubnetID) as the private
	// subnets' default route.
	NATGateway     bool
	PublicSubnetID pulumi.StringInput
	// CoreNetwork is the core Network: its internet gateway must be
	// attached before the NAT gateway gets an address.
	CoreNetwork pulumi.Resource
	// ServicePrefix is the partition's reverse DNS prefix of AWS service
	// names, "com.amazonaws" in the aws partition.
	ServicePrefix string
}

// NewPrivateNetwork registers the private subnets, their route table, the
// S3 and DynamoDB gateway endpoints and, when asked, a NAT gateway.
func NewPrivateNetwork(ctx *pulumi.Context, name string, args *PrivateNetworkArgs, opts ...pulumi.ResourceOption) (*PrivateNetwork, error) {
	if len(args.AvailabilityZones) < len(privateSubnetCidrs) {
		return nil, fmt.Errorf("private network %s: need %d availability zones, have %d",
			name, len(privateSubnetCidrs), len(args.AvailabilityZones))
	}
	n := &PrivateNetwork{}
	if err := ctx.RegisterComponentResource(Project+":network:PrivateNetwork", name, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)

	// Routes is always given, empty without a NAT gateway: the provider
	// treats an absent list as "routes not managed here" and would keep a
	// removed NAT gateway's route as a blackhole
	// (https://github.com/pulumi/pulumi/issues/6532; the route table's
	// docs: "to remove all managed routes, provide an empty list").
	routeArgs := &ec2.RouteTableArgs{VpcId: args.VpcID, Tags: pulumi.StringMap{"Name": pulumi.String(name)},
		Routes: ec2.RouteTableRouteArray{}}
	if args.NATGateway {
		eip, err := ec2.NewEip(ctx, name+"-nat", &ec2.EipArgs{Domain: pulumi.String("vpc")}, parent,
			pulumi.DependsOn([]pulumi.Resource{args.CoreNetwork}))
		if err != nil {
			return nil, fmt.Errorf("nat address: %w", err)
		}
		nat, err := ec2.NewNatGateway(ctx, name, &ec2.NatGatewayArgs{
			AllocationId: eip.AllocationId,
			SubnetId:     args.PublicSubnetID,
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("nat gateway: %w", err)
		}
		routeArgs.Routes = ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{
			CidrBlock:    pulumi.String("0.0.0.0/0"),
			NatGatewayId: nat.ID(),
		}}
	}
	routes, err := ec2.NewRouteTable(ctx, name, routeArgs, parent)
	if err != nil {
		return nil, fmt.Errorf("private route table: %w", err)
	}
	subnetIDs, err := newSubnets(ctx, name, args.VpcID, privateSubnetCidrs, args.AvailabilityZones, false, routes, parent)
	if err != nil {
		return nil, err
	}

	endpoints := map[string]*ec2.VpcEndpoint{}
	for _, service := range []string{"s3", "dynamodb"} {
		ep, err := ec2.NewVpcEndpoint(ctx, name+"-"+service, &ec2.VpcEndpointArgs{
			VpcId:           args.VpcID,
			ServiceName:     pulumi.Sprintf("%s.%s.%s", args.ServicePrefix, args.Region, service),
			VpcEndpointType: pulumi.String("Gateway"),
			RouteTableIds:   pulumi.StringArray{routes.ID()},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("%s gateway endpoint: %w", service, err)
		}
		endpoints[service] = ep
	}

	n.SubnetIDs = subnetIDs.ToStringArrayOutput()
	n.S3PrefixListID = endpoints["s3"].PrefixListId
	n.DynamoDBPrefixListID = endpoints["dynamodb"].PrefixListId
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"subnetIds":            n.SubnetIDs,
		"s3PrefixListId":       n.S3PrefixListID,
		"dynamodbPrefixListId": n.DynamoDBPrefixListID,
	})
}
