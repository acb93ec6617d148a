package fakeaws

import (
	"crypto/sha256"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// ec2ARNs states the forms of EC2's ARNs, VPC resources' included.
var ec2ARNs = serviceAuthorization("amazonec2")

var ec2Types = map[string]resourceType{
	"aws:ec2/eip:Eip": {
		args: ec2.EipArgs{}, state: ec2.EipState{},
		doc: registryPage("ec2/eip"),
		// networkInterface and instance are (re)associated in place; vpc is
		// the deprecated v5 twin of domain.
		replaceOnChanges: []string{"address", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool", "vpc"},
		arn:              "arn:${Partition}:ec2:${Region}:${Account}:elastic-ip/${AllocationId}",
		arnDoc:           ec2ARNs,
		make: func(m *made) string {
			id := m.generated("eipalloc-")
			m.set("allocationId", id)
			m.set("arn", m.arnOf("AllocationId", id))
			return id
		},
	},
	"aws:ec2/instance:Instance": {
		args: ec2.InstanceArgs{}, state: ec2.InstanceState{},
		doc: registryPage("ec2/instance"),
		// launchTemplate.version replaces only when it resolves to another
		// version than the instance runs (CustomizeDiff); instanceType only
		// when the architecture changes; userData only with
		// userDataReplaceOnChange; enablePrimaryIpv6 only when disabled.
		replaceOnChanges: []string{
			"ami", "associatePublicIpAddress", "availabilityZone", "cpuCoreCount", "cpuThreadsPerCore",
			"ebsOptimized", "ephemeralBlockDevices", "hibernation", "hostId", "instanceMarketOptions",
			"ipv6Addresses", "keyName", "launchTemplate.id", "launchTemplate.name",
			"networkInterfaces.deleteOnTermination", "networkInterfaces.deviceIndex",
			"networkInterfaces.networkCardIndex", "networkInterfaces.networkInterfaceId",
			"placementGroup", "placementPartitionNumber", "privateDnsNameOptions", "privateIp",
			"securityGroups", "subnetId", "tenancy",
		},
		arn:    "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}",
		arnDoc: ec2ARNs,
		make:   byID("", "InstanceId"),
	},
	"aws:ec2/internetGateway:InternetGateway": {
		args: ec2.InternetGatewayArgs{}, state: ec2.InternetGatewayState{},
		// vpcId is attached and detached in place.
		doc:    registryPage("ec2/internetgateway"),
		arn:    "arn:${Partition}:ec2:${Region}:${Account}:internet-gateway/${InternetGatewayId}",
		arnDoc: ec2ARNs,
		make:   byID("", "InternetGatewayId"),
	},
	"aws:ec2/launchTemplate:LaunchTemplate": {
		args: ec2.LaunchTemplateArgs{}, state: ec2.LaunchTemplateState{},
		doc: registryPage("ec2/launchtemplate"),
		// Any other change makes a new version of the same template.
		replaceOnChanges:  []string{"name", "namePrefix"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 255,
		arn:               "arn:${Partition}:ec2:${Region}:${Account}:launch-template/${LaunchTemplateId}",
		arnDoc:            ec2ARNs,
		make: func(m *made) string {
			m.state["latestVersion"] = resource.NewProperty(1.0)
			id := m.generated("lt-")
			m.set("arn", m.arnOf("LaunchTemplateId", id))
			return id
		},
		// Each update is CreateLaunchTemplateVersion: latestVersion goes
		// up by one (terraform-provider-aws ec2/ec2_launch_template.go).
		updated: func(outs resource.PropertyMap, preview bool) {
			if preview {
				outs["latestVersion"] = resource.MakeComputed(resource.NewProperty(""))
				return
			}
			if v := unwrap(outs["latestVersion"]); v.IsNumber() {
				outs["latestVersion"] = resource.NewProperty(v.NumberValue() + 1)
			}
		},
	},
	"aws:ec2/natGateway:NatGateway": {
		args: ec2.NatGatewayArgs{}, state: ec2.NatGatewayState{},
		doc:              registryPage("ec2/natgateway"),
		replaceOnChanges: []string{"allocationId", "connectivityType", "privateIp", "secondaryPrivateIpAddressCount", "subnetId"},
		make:             byID("", ""),
	},
	"aws:ec2/networkInterface:NetworkInterface": {
		args: ec2.NetworkInterfaceArgs{}, state: ec2.NetworkInterfaceState{},
		doc: registryPage("ec2/networkinterface"),
		// A new primary private IP (privateIps, privateIpList) replaces it
		// too, through CustomizeDiff.
		replaceOnChanges: []string{"interfaceType", "subnetId"},
		arn:              "arn:${Partition}:ec2:${Region}:${Account}:network-interface/${NetworkInterfaceId}",
		arnDoc:           ec2ARNs,
		make: func(m *made) string {
			// An address of the stack's private subnets, from the logical
			// name: the same in every run.
			sum := sha256.Sum256([]byte(m.logical))
			m.set("privateIp", fmt.Sprintf("10.20.%d.%d", sum[0]%16, 4+sum[1]%250))
			id := m.generated("eni-")
			m.set("arn", m.arnOf("NetworkInterfaceId", id))
			return id
		},
	},
	"aws:ec2/route:Route": {
		args: ec2.RouteArgs{}, state: ec2.RouteState{},
		doc: registryPage("ec2/route"),
		// The target (gatewayId, natGatewayId, ...) is changed by ReplaceRoute.
		replaceOnChanges: []string{"destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId", "routeTableId"},
		make:             byID("", ""),
	},
	"aws:ec2/routeTable:RouteTable": {
		args: ec2.RouteTableArgs{}, state: ec2.RouteTableState{},
		doc:              registryPage("ec2/routetable"),
		replaceOnChanges: []string{"vpcId"},
		arn:              "arn:${Partition}:ec2:${Region}:${Account}:route-table/${RouteTableId}",
		arnDoc:           ec2ARNs,
		make:             byID("", "RouteTableId"),
	},
	"aws:ec2/routeTableAssociation:RouteTableAssociation": {
		args: ec2.RouteTableAssociationArgs{}, state: ec2.RouteTableAssociationState{},
		doc: registryPage("ec2/routetableassociation"),
		// routeTableId changes through ReplaceRouteTableAssociation.
		replaceOnChanges: []string{"gatewayId", "subnetId"},
		// A subnet has at most one route table association: a second one
		// fails with Resource.AlreadyAssociated.
		physicalName: "subnetId",
		make:         byID("", ""),
	},
	"aws:ec2/securityGroup:SecurityGroup": {
		args: ec2.SecurityGroupArgs{}, state: ec2.SecurityGroupState{},
		doc:              registryPage("ec2/securitygroup"),
		replaceOnChanges: []string{"description", "name", "namePrefix", "vpcId"},
		// Unique per VPC (InvalidGroup.Duplicate); per account is close enough.
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 255,
		arn:               "arn:${Partition}:ec2:${Region}:${Account}:security-group/${SecurityGroupId}",
		arnDoc:            ec2ARNs,
		make:              byID("", "SecurityGroupId"),
	},
	"aws:ec2/subnet:Subnet": {
		args: ec2.SubnetArgs{}, state: ec2.SubnetState{},
		doc:              registryPage("ec2/subnet"),
		replaceOnChanges: []string{"availabilityZone", "availabilityZoneId", "cidrBlock", "ipv6Native", "outpostArn", "vpcId"},
		arn:              "arn:${Partition}:ec2:${Region}:${Account}:subnet/${SubnetId}",
		arnDoc:           ec2ARNs,
		make:             byID("", "SubnetId"),
	},
	"aws:ec2/vpc:Vpc": {
		args: ec2.VpcArgs{}, state: ec2.VpcState{},
		doc:              registryPage("ec2/vpc"),
		replaceOnChanges: []string{"cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"},
		arn:              "arn:${Partition}:ec2:${Region}:${Account}:vpc/${VpcId}",
		arnDoc:           ec2ARNs,
		make:             byID("", "VpcId"),
	},
	"aws:ec2/vpcEndpoint:VpcEndpoint": {
		args: ec2.VpcEndpointArgs{}, state: ec2.VpcEndpointState{},
		doc: registryPage("ec2/vpcendpoint"),
		// routeTableIds are added and removed in place; privateDnsEnabled
		// replaces non-Interface endpoints only (CustomizeDiff).
		replaceOnChanges: []string{"resourceConfigurationArn", "serviceName", "serviceNetworkArn", "serviceRegion", "vpcEndpointType", "vpcId"},
		arn:              "arn:${Partition}:ec2:${Region}:${Account}:vpc-endpoint/${VpcEndpointId}",
		arnDoc:           ec2ARNs,
		make: func(m *made) string {
			m.set("prefixListId", m.generated("pl-"))
			id := m.generated("vpce-")
			m.set("arn", m.arnOf("VpcEndpointId", id))
			return id
		},
	},
}
