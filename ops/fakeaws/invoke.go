package fakeaws

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// lookup is one data source the account answers: the pulumi-aws SDK's
// types of its arguments (nil: it takes none) and of its result, and the
// answer (lookups.go).
type lookup struct {
	args, result reflect.Type
	answer       func(q query) (map[string]interface{}, error)
}

// query is one call of a data source: its arguments, and the account's
// region and world.
type query struct {
	args   resource.PropertyMap
	region string
	world  *World
}

// str is a string argument ("" when absent).
func (q query) str(key string) string { return str(q.args, key) }

// flag is a boolean argument and whether it was given.
func (q query) flag(key string) (value, given bool) {
	v := unwrap(q.args[resource.PropertyKey(key)])
	return v.IsBool() && v.BoolValue(), v.IsBool()
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// lookups are the data sources the account answers, by function token.
var lookups = map[string]lookup{
	"aws:index/getAvailabilityZones:getAvailabilityZones": {typeOf[aws.GetAvailabilityZonesArgs](), typeOf[aws.GetAvailabilityZonesResult](), availabilityZones},
	"aws:index/getCallerIdentity:getCallerIdentity":       {typeOf[aws.GetCallerIdentityArgs](), typeOf[aws.GetCallerIdentityResult](), callerIdentity},
	"aws:index/getPartition:getPartition":                 {typeOf[aws.GetPartitionArgs](), typeOf[aws.GetPartitionResult](), partition},
	"aws:index/getRegion:getRegion":                       {typeOf[aws.GetRegionArgs](), typeOf[aws.GetRegionResult](), region},
	"aws:dynamodb/getTables:getTables":                    {nil, typeOf[dynamodb.GetTablesResult](), tables},
	"aws:dynamodb/getTable:getTable":                      {typeOf[dynamodb.LookupTableArgs](), typeOf[dynamodb.LookupTableResult](), table},
	"aws:ssm/getParameter:getParameter":                   {typeOf[ssm.LookupParameterArgs](), typeOf[ssm.LookupParameterResult](), parameter},
	"aws:ssm/getParametersByPath:getParametersByPath":     {typeOf[ssm.GetParametersByPathArgs](), typeOf[ssm.GetParametersByPathResult](), parametersByPath},
	"aws:s3/getBucket:getBucket":                          {typeOf[s3.LookupBucketArgs](), typeOf[s3.LookupBucketResult](), bucket},
	"aws:ec2/getSecurityGroup:getSecurityGroup":           {typeOf[ec2.LookupSecurityGroupArgs](), typeOf[ec2.LookupSecurityGroupResult](), securityGroup},
	"aws:ec2/getVpcs:getVpcs":                             {typeOf[ec2.GetVpcsArgs](), typeOf[ec2.GetVpcsResult](), vpcs},
	"aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections": {typeOf[ec2.GetVpcPeeringConnectionsArgs](),
		typeOf[ec2.GetVpcPeeringConnectionsResult](), vpcPeeringConnections},
	"aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {typeOf[ec2.GetInstanceTypeOfferingsArgs](),
		typeOf[ec2.GetInstanceTypeOfferingsResult](), instanceTypeOfferings},
}

// Invoke answers the data source tok (a pulumi-aws function token) called
// with args, from the account, after checking args against the real
// provider's argument types.
func (a *Account) Invoke(tok string, args resource.PropertyMap) (resource.PropertyMap, error) {
	l, ok := lookups[tok]
	if !ok {
		return nil, fmt.Errorf("fake aws: invoke %s is not modelled; add it to ops/fakeaws/invoke.go", tok)
	}
	if l.args == nil && len(args) > 0 {
		return nil, fmt.Errorf("invoke %s takes no arguments", tok)
	}
	if l.args != nil {
		if problems := checkInputs(l.args, args); len(problems) > 0 {
			return nil, fmt.Errorf("invoke %s: %s", tok, strings.Join(problems, "; "))
		}
	}
	q := query{args: args, region: a.Region()}
	var result map[string]interface{}
	var fault string
	err := a.store.Change(func(w *World) error {
		if f := w.LookUpFaults[tok]; f != nil {
			if f.Times--; f.Times == 0 {
				delete(w.LookUpFaults, tok)
			}
			fault = f.Message
			return nil
		}
		q.world = w
		var err error
		result, err = l.answer(q)
		return err
	})
	if err != nil {
		return nil, err
	}
	if fault != "" {
		return nil, errors.New(fault)
	}
	return resource.NewPropertyMapFromMap(result), nil
}
