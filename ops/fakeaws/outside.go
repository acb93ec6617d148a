package fakeaws

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// What exists in the account without the program having made it, in the
// form its look-ups read (lookups.go): the tests and the plan put these in
// a World.

// OutsideVPC is a VPC made outside the program's provider, tagged tags (an
// earlier `pulumi up` tags its VPC with its provider's default tags,
// which getVpcs matches).
func OutsideVPC(id string, tags resource.PropertyValue) (*Object, error) {
	return NewObject("aws:ec2/vpc:Vpc", id, "", resource.PropertyMap{}, resource.PropertyMap{"tagsAll": tags})
}

// OutsideSecurityGroup is a security group of vpc made outside the program
// (a dashboard's), as getSecurityGroup finds it.
func OutsideSecurityGroup(id, vpc string) (*Object, error) {
	in := resource.PropertyMap{"vpcId": resource.NewProperty(vpc)}
	return NewObject("aws:ec2/securityGroup:SecurityGroup", id, "", in, in)
}

// ActivePeering is an active VPC peering connection from the requester
// VPC to the accepter VPC, as getVpcPeeringConnections finds it.
func ActivePeering(id, requester, accepter string) (*Object, error) {
	in := resource.PropertyMap{"vpcId": resource.NewProperty(requester), "peerVpcId": resource.NewProperty(accepter)}
	out := in.Copy()
	out["acceptStatus"] = resource.NewProperty("active")
	return NewObject("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", id, "", in, out)
}
