package plan

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
)

// Account is what earlier stacks left in the fake AWS account: the stores
// they retained, and what the account holds besides (a dashboard's VPC and
// security group, peering connections). The plan puts it in the account
// the program runs against (ops/fakeaws), which answers the program's
// look-ups from it.
type Account struct {
	Tables     []string          // DynamoDB table names
	TableOwner string            // the tables' "stack" tag ("" for none)
	Parameters map[string]string // SSM parameter name -> value (SecureString)
	Buckets    []string          // S3 bucket names
	// StackVPCs are the VPCs an earlier `pulumi up` of this stack made
	// (tagged by its provider, as this run's tags); SecurityGroups maps a
	// group ID to its VPC's; Peerings are the active VPC peering
	// connections, requester and accepter VPC.
	StackVPCs      []string
	SecurityGroups map[string]string
	Peerings       [][2]string
}

// Types of the fake account the plan's Account puts there.
const (
	tableType  = "aws:dynamodb/table:Table"
	paramType  = "aws:ssm/parameter:Parameter"
	bucketType = "aws:s3/bucketV2:BucketV2"
)

// putInto makes r in the fake account acct (whose world store keeps), as
// those who left it did: the stores by the account's own rules (their
// ARNs and IDs as the program would get them), the rest as a user would
// put it there.
func (r Account) putInto(acct *fakeaws.Account, store fakeaws.Store) error {
	put := func(typ, name string, inputs resource.PropertyMap) error {
		_, err := acct.Put(typ, name, inputs, fakeaws.HashDigits(typ+"/"+name))
		return err
	}
	for _, name := range r.Tables {
		inputs := resource.PropertyMap{"name": resource.NewProperty(name)}
		if r.TableOwner != "" {
			inputs["tags"] = resource.NewProperty(resource.PropertyMap{"stack": resource.NewProperty(r.TableOwner)})
		}
		if err := put(tableType, name, inputs); err != nil {
			return err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(r.Parameters)) {
		if err := put(paramType, name, resource.PropertyMap{"name": resource.NewProperty(name),
			"type": resource.NewProperty("SecureString"), "value": resource.MakeSecret(resource.NewProperty(r.Parameters[name]))}); err != nil {
			return err
		}
	}
	for _, name := range r.Buckets {
		if err := put(bucketType, name, resource.PropertyMap{"bucket": resource.NewProperty(name)}); err != nil {
			return err
		}
	}
	others, err := r.others(acct)
	if err != nil {
		return err
	}
	return store.Change(func(w *fakeaws.World) error {
		for _, o := range others {
			w.Put(o)
		}
		return nil
	})
}

// others are the VPCs, security groups and peering connections of r.
func (r Account) others(acct *fakeaws.Account) ([]*fakeaws.Object, error) {
	var objects []*fakeaws.Object
	add := func(o *fakeaws.Object, err error) error {
		objects = append(objects, o)
		return err
	}
	for _, id := range r.StackVPCs {
		if err := add(fakeaws.OutsideVPC(id, acct.TagsAll(resource.PropertyValue{}))); err != nil {
			return nil, err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(r.SecurityGroups)) {
		if err := add(fakeaws.OutsideSecurityGroup(id, r.SecurityGroups[id])); err != nil {
			return nil, err
		}
	}
	for i, p := range r.Peerings {
		if err := add(fakeaws.ActivePeering(fmt.Sprintf("pcx-%017d", i), p[0], p[1])); err != nil {
			return nil, err
		}
	}
	return objects, nil
}
