package plan

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
)

// MockAccountID is the AWS account the mocks answer with.
const MockAccountID = "123456789012"

// monitor answers the Pulumi SDK's mock monitor like AWS would: each
// resource gets an ID, an ARN and the computed fields this program reads;
// every value derives from the resource's name, so two runs with the same
// config see identical values. It records every registration.
type monitor struct {
	project, stack, region string
	account                Account

	mu        sync.Mutex
	resources []Resource
}

// optInNotRequired reports whether getAvailabilityZones' arguments filter
// on opt-in-status = opt-in-not-required.
func optInNotRequired(args resource.PropertyMap) bool {
	filters, ok := args["filters"]
	if !ok || !filters.IsArray() {
		return false
	}
	for _, f := range filters.ArrayValue() {
		if !f.IsObject() || f.ObjectValue()["name"].StringValue() != "opt-in-status" {
			continue
		}
		for _, v := range f.ObjectValue()["values"].ArrayValue() {
			if v.StringValue() == "opt-in-not-required" {
				return true
			}
		}
	}
	return false
}

func (m *monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	r := m.region
	switch args.Token {
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		// The region has a Local Zone, opted in, listed first as AWS
		// lists names in order: only an opt-in-status filter keeps it
		// out (EC2 DescribeAvailabilityZones).
		names := []interface{}{r + "-bos-1a", r + "a", r + "b", r + "c"}
		ids := []interface{}{"use1-bos1-az1", "use1-az1", "use1-az2", "use1-az4"}
		if optInNotRequired(args.Args) {
			names, ids = names[1:], ids[1:]
		}
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"id": r, "names": names, "zoneIds": ids, "groupNames": []interface{}{r},
		}), nil
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"id":        MockAccountID,
			"accountId": MockAccountID,
			"arn":       "arn:aws:iam::" + MockAccountID + ":user/plan",
			"userId":    "AIDAPLAN",
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws",
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"id": r, "name": r, "region": r, "endpoint": "ec2." + r + ".amazonaws.com", "description": r,
		}), nil
	case "aws:dynamodb/getTables:getTables":
		return resource.NewPropertyMapFromMap(map[string]interface{}{"id": r, "names": m.account.Tables}), nil
	case "aws:ssm/getParametersByPath:getParametersByPath":
		path := args.Args["path"].StringValue()
		names, values := []string{}, []string{}
		for _, name := range slices.Sorted(maps.Keys(m.account.Parameters)) {
			if rest, ok := strings.CutPrefix(name, path); ok && !strings.Contains(rest, "/") {
				names, values = append(names, name), append(values, m.account.Parameters[name])
			}
		}
		return resource.NewPropertyMapFromMap(map[string]interface{}{"id": path, "path": path, "names": names, "values": values}), nil
	case "aws:dynamodb/getTable:getTable":
		name := args.Args["name"].StringValue()
		if !slices.Contains(m.account.Tables, name) {
			return nil, fmt.Errorf("reading DynamoDB Table (%s): couldn't find resource", name)
		}
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"id": name, "name": name, "tags": map[string]interface{}{"stack": m.account.TableOwner},
		}), nil
	case "aws:ssm/getParameter:getParameter":
		name := args.Args["name"].StringValue()
		value, ok := m.account.Parameters[name]
		if !ok {
			return nil, fmt.Errorf("reading SSM Parameter (%s): ParameterNotFound", name)
		}
		return resource.NewPropertyMapFromMap(map[string]interface{}{"id": name, "name": name, "value": value, "type": "SecureString"}), nil
	case "aws:s3/getBucket:getBucket":
		bucket := args.Args["bucket"].StringValue()
		if !slices.Contains(m.account.Buckets, bucket) {
			return nil, fmt.Errorf("reading S3 Bucket (%s): NotFound", bucket)
		}
		return resource.NewPropertyMapFromMap(map[string]interface{}{"id": bucket, "bucket": bucket, "arn": "arn:aws:s3:::" + bucket}), nil
	case "aws:ec2/getSecurityGroup:getSecurityGroup":
		id := args.Args["id"].StringValue()
		vpc, ok := m.account.SecurityGroups[id]
		if !ok {
			return nil, errors.New("no matching EC2 Security Group found")
		}
		return resource.NewPropertyMapFromMap(map[string]interface{}{"id": id, "vpcId": vpc}), nil
	case "aws:ec2/getVpcs:getVpcs":
		ids := []string{}
		if tags := args.Args["tags"]; tags.IsObject() && tags.ObjectValue()["stack"].StringValue() == m.stack {
			ids = append(ids, m.account.StackVPCs...)
		}
		return resource.NewPropertyMapFromMap(map[string]interface{}{"id": r, "ids": ids}), nil
	case "aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections":
		filter := map[string]string{}
		for _, f := range args.Args["filters"].ArrayValue() {
			filter[f.ObjectValue()["name"].StringValue()] = f.ObjectValue()["values"].ArrayValue()[0].StringValue()
		}
		ids := []string{}
		for i, p := range m.account.Peerings {
			if filter["status-code"] == "active" && filter["requester-vpc-info.vpc-id"] == p[0] && filter["accepter-vpc-info.vpc-id"] == p[1] {
				ids = append(ids, fmt.Sprintf("pcx-%017d", i))
			}
		}
		return resource.NewPropertyMapFromMap(map[string]interface{}{"id": r, "ids": ids}), nil
	}
	return nil, fmt.Errorf("plan: no mock answer for invoke %s", args.Token)
}

func (m *monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	urn := m.urn(rpc.GetParent(), args.TypeToken, args.Name)
	res := Resource{
		URN:    urn,
		Type:   args.TypeToken,
		Name:   args.Name,
		Parent: rpc.GetParent(),
		Custom: args.Custom,
		Inputs: args.Inputs,
		Options: Options{
			RetainOnDelete:      rpc.GetRetainOnDelete(),
			Protect:             rpc.GetProtect(),
			DeleteBeforeReplace: rpc.GetDeleteBeforeReplace(),
			IgnoreChanges:       rpc.GetIgnoreChanges(),
			DependsOn:           dependencies(rpc.GetDependencies(), rpc.GetPropertyDependencies()),
			ImportID:            rpc.GetImportId(),
			Provider:            rpc.GetProvider(),
			ErrorHooks:          rpc.GetHooks().GetOnError(),
		},
	}
	state := args.Inputs
	if args.Custom {
		state = args.Inputs.Copy()
		res.ID = m.computed(args.TypeToken, args.Name, state)
	}
	m.mu.Lock()
	m.resources = append(m.resources, res)
	m.mu.Unlock()
	return res.ID, state, nil
}

func (m *monitor) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// computed adds the outputs the providers would compute to state and
// returns the ID; random values derive from the stack and the name.
func (m *monitor) computed(typ, name string, state resource.PropertyMap) string {
	suffix := shortHash(typ + "/" + name)
	if !strings.HasPrefix(typ, "aws:") {
		sum := sha256.Sum256([]byte(m.stack + "/" + name))
		switch typ {
		case "random:index/randomBytes:RandomBytes":
			state["base64"] = resource.MakeSecret(resource.NewProperty(base64.StdEncoding.EncodeToString(sum[:])))
			state["hex"] = resource.MakeSecret(resource.NewProperty(hex.EncodeToString(sum[:])))
		case "random:index/randomPassword:RandomPassword":
			state["result"] = resource.MakeSecret(resource.NewProperty(hex.EncodeToString(sum[:])))
		}
		return name + "-" + suffix
	}
	return fakeaws.Computed(typ, name, suffix, m.region, MockAccountID, state)
}

// dependencies is every URN a registration waits for: the explicit
// DependsOn list and those reached through its inputs, sorted, once each.
func dependencies(explicit []string, byProperty map[string]*pulumirpc.RegisterResourceRequest_PropertyDependencies) []string {
	seen := map[string]bool{}
	var all []string
	add := func(urn string) {
		if urn != "" && !seen[urn] {
			seen[urn] = true
			all = append(all, urn)
		}
	}
	for _, u := range explicit {
		add(u)
	}
	for _, deps := range byProperty {
		for _, u := range deps.GetUrns() {
			add(u)
		}
	}
	sort.Strings(all)
	return all
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:7]
}
