package fakeaws

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Invoke answers the data sources the program calls, from the account.
// Arguments are checked against the real provider's argument types.
func (p *Provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	tok := req.GetTok()
	argsType, ok := invokeArgs[tok]
	if !ok || p.pkg != "aws" {
		return nil, fmt.Errorf("fake %s: invoke %s is not modelled; add it to ops/fakeaws", p.pkg, tok)
	}
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	if argsType != nil {
		if problems := checkInputs(argsType, args); len(problems) > 0 {
			return nil, fmt.Errorf("invoke %s: %s", tok, strings.Join(problems, "; "))
		}
	} else if len(args) > 0 {
		return nil, fmt.Errorf("invoke %s takes no arguments", tok)
	}
	p.mu.Lock()
	region := p.region
	p.mu.Unlock()
	str := func(k string) string {
		switch v := unwrap(args[resource.PropertyKey(k)]); {
		case v.IsString():
			return v.StringValue()
		case v.IsBool():
			return fmt.Sprint(v.BoolValue())
		}
		return ""
	}

	var result map[string]interface{}
	switch tok {
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		result = map[string]interface{}{
			"id":         region,
			"names":      []interface{}{region + "a", region + "b", region + "c"},
			"zoneIds":    []interface{}{"use1-az1", "use1-az2", "use1-az4"},
			"groupNames": []interface{}{region},
			"state":      str("state"),
		}
	case "aws:index/getCallerIdentity:getCallerIdentity":
		result = map[string]interface{}{
			"id": AccountID, "accountId": AccountID,
			"arn": "arn:aws:iam::" + AccountID + ":user/engine-test", "userId": "AIDAENGINETEST",
		}
	case "aws:index/getPartition:getPartition":
		result = map[string]interface{}{"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}
	case "aws:index/getRegion:getRegion":
		result = map[string]interface{}{"id": region, "name": region, "region": region, "endpoint": "ec2." + region + ".amazonaws.com", "description": region}
	default:
		w, err := Load(p.statePath)
		if err != nil {
			return nil, err
		}
		if result, err = lookup(w, tok, region, str, args); err != nil {
			return nil, err
		}
	}
	ret, err := mustMarshal(resource.NewPropertyMapFromMap(result))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

// lookup answers the data sources that read the account.
func lookup(w *World, tok, region string, arg func(string) string, args resource.PropertyMap) (map[string]interface{}, error) {
	switch tok {
	case "aws:ec2/getSecurityGroup:getSecurityGroup":
		id := arg("id")
		o := w.Resources[key("aws:ec2/securityGroup:SecurityGroup", id)]
		if o == nil {
			return nil, fmt.Errorf("no matching EC2 Security Group found")
		}
		ins, err := Props(o.Inputs)
		if err != nil {
			return nil, err
		}
		return map[string]interface{}{"id": id, "vpcId": unwrap(ins["vpcId"]).StringValue(),
			"arn": "arn:aws:ec2:" + region + ":" + AccountID + ":security-group/" + id}, nil

	case "aws:ec2/getVpcs:getVpcs":
		// Only tags select here; the program passes no filters.
		want := map[string]string{}
		if t := unwrap(args["tags"]); t.IsObject() {
			for k, v := range t.ObjectValue() {
				want[string(k)] = unwrap(v).StringValue()
			}
		}
		ids := []interface{}{}
		for _, o := range w.OfType("aws:ec2/vpc:Vpc") {
			outs, err := Props(o.Outputs)
			if err != nil {
				return nil, err
			}
			tags := unwrap(outs["tagsAll"])
			match := tags.IsObject()
			for k, v := range want {
				match = match && unwrap(tags.ObjectValue()[resource.PropertyKey(k)]).StringValue() == v
			}
			if match {
				ids = append(ids, o.ID)
			}
		}
		return map[string]interface{}{"id": region, "ids": ids}, nil

	case "aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections":
		// The filters EC2 DescribeVpcPeeringConnections names:
		// status-code, requester-vpc-info.vpc-id, accepter-vpc-info.vpc-id.
		filters := map[string][]string{}
		for _, f := range unwrap(args["filters"]).ArrayValue() {
			var values []string
			for _, v := range unwrap(f.ObjectValue()["values"]).ArrayValue() {
				values = append(values, unwrap(v).StringValue())
			}
			filters[unwrap(f.ObjectValue()["name"]).StringValue()] = values
		}
		ids := []interface{}{}
		for _, o := range w.OfType("aws:ec2/vpcPeeringConnection:VpcPeeringConnection") {
			ins, err := Props(o.Inputs)
			if err != nil {
				return nil, err
			}
			outs, err := Props(o.Outputs)
			if err != nil {
				return nil, err
			}
			have := map[string]string{
				"status-code":               unwrap(outs["acceptStatus"]).StringValue(),
				"requester-vpc-info.vpc-id": unwrap(ins["vpcId"]).StringValue(),
				"accepter-vpc-info.vpc-id":  unwrap(ins["peerVpcId"]).StringValue(),
			}
			match := true
			for name, values := range filters {
				v, known := have[name]
				if !known {
					return nil, fmt.Errorf("fake aws: getVpcPeeringConnections filter %s is not modelled", name)
				}
				match = match && slices.Contains(values, v)
			}
			if match {
				ids = append(ids, o.ID)
			}
		}
		return map[string]interface{}{"id": region, "ids": ids}, nil

	case "aws:dynamodb/getTables:getTables":
		names := []interface{}{}
		for _, o := range w.OfType("aws:dynamodb/table:Table") {
			names = append(names, o.Name)
		}
		return map[string]interface{}{"id": region, "names": names}, nil

	case "aws:ssm/getParametersByPath:getParametersByPath":
		// GetParametersByPath without Recursive returns the parameters
		// one level below the path (SSM API reference).
		path := strings.TrimSuffix(arg("path"), "/") + "/"
		recursive := arg("recursive") == "true"
		var arns, names, types, values []interface{}
		for _, o := range w.OfType("aws:ssm/parameter:Parameter") {
			rest, ok := strings.CutPrefix(o.Name, path)
			if !ok || (!recursive && strings.Contains(rest, "/")) {
				continue
			}
			ins, err := Props(o.Inputs)
			if err != nil {
				return nil, err
			}
			outs, err := Props(o.Outputs)
			if err != nil {
				return nil, err
			}
			arns = append(arns, unwrap(outs["arn"]).StringValue())
			names = append(names, o.Name)
			types = append(types, unwrap(ins["type"]).StringValue())
			value := unwrap(ins["value"]).StringValue()
			if arg("withDecryption") == "false" && unwrap(ins["type"]).StringValue() == "SecureString" {
				value = "[encrypted]" // SSM returns the ciphertext unless asked to decrypt
			}
			values = append(values, value)
		}
		return map[string]interface{}{
			"id": path, "path": path, "arns": orEmpty(arns), "names": orEmpty(names),
			"types": orEmpty(types), "values": orEmpty(values),
		}, nil

	case "aws:dynamodb/getTable:getTable":
		name := arg("name")
		o := w.Find("aws:dynamodb/table:Table", name)
		if o == nil {
			return nil, fmt.Errorf("reading DynamoDB Table (%s): couldn't find resource", name)
		}
		outs, err := Props(o.Outputs)
		if err != nil {
			return nil, err
		}
		tags := map[string]interface{}{}
		if t := unwrap(outs["tagsAll"]); t.IsObject() {
			for k, v := range t.ObjectValue() {
				tags[string(k)] = v.StringValue()
			}
		}
		return map[string]interface{}{"id": name, "name": name, "arn": unwrap(outs["arn"]).StringValue(), "tags": tags}, nil

	case "aws:ssm/getParameter:getParameter":
		name := arg("name")
		o := w.Find("aws:ssm/parameter:Parameter", name)
		if o == nil {
			return nil, fmt.Errorf("reading SSM Parameter (%s): ParameterNotFound", name)
		}
		ins, err := Props(o.Inputs)
		if err != nil {
			return nil, err
		}
		value := unwrap(ins["value"]).StringValue()
		if arg("withDecryption") == "false" && unwrap(ins["type"]).StringValue() == "SecureString" {
			value = "[encrypted]"
		}
		return map[string]interface{}{"id": name, "name": name, "type": unwrap(ins["type"]).StringValue(), "value": value}, nil

	case "aws:s3/getBucket:getBucket":
		bucket := arg("bucket")
		o := w.Resources[key("aws:s3/bucketV2:BucketV2", bucket)]
		if o == nil {
			// The bridged data source fails on HeadBucket's 404, worded as
			// the AWS SDK words it.
			return nil, fmt.Errorf("reading S3 Bucket (%s): operation error S3: HeadBucket, https response error StatusCode: 404, api error NotFound: Not Found", bucket)
		}
		return map[string]interface{}{
			"id": bucket, "bucket": bucket, "arn": "arn:aws:s3:::" + bucket, "region": region,
			"bucketDomainName": bucket + ".s3.amazonaws.com", "bucketRegionalDomainName": bucket + ".s3." + region + ".amazonaws.com",
			"hostedZoneId": "Z3AQBSTGFYJSTF",
		}, nil
	}
	return nil, fmt.Errorf("fake aws: invoke %s is not modelled", tok)
}

func orEmpty(list []interface{}) []interface{} {
	if list == nil {
		return []interface{}{}
	}
	return slices.Clip(list)
}
