package fakeaws

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// The answers of the data sources in lookups, each from the account's
// region and world. Result keys are the SDK result types' names
// (TestEveryLookupAnswersInItsResultType holds them to it).

// availabilityZones: DescribeAvailabilityZones as getAvailabilityZones
// passes it on. Without allAvailabilityZones it lists the zones opted in
// or needing no opt-in (all of zonesOf); an opt-in-status filter narrows
// them, and state "available" keeps them all (every zone is available).
// Other filters are not modelled.
func availabilityZones(q query) (map[string]interface{}, error) {
	filters, err := q.filters("opt-in-status")
	if err != nil {
		return nil, err
	}
	var names, ids, groups []interface{}
	for _, z := range zonesOf(q.region) {
		if values, ok := filters["opt-in-status"]; ok && !slices.Contains(values, z.optIn) {
			continue
		}
		if state := q.str("state"); state != "" && state != "available" {
			continue
		}
		names, ids = append(names, z.name), append(ids, z.id)
		if !slices.Contains(groups, interface{}(z.group)) {
			groups = append(groups, z.group)
		}
	}
	result := map[string]interface{}{"id": q.region, "names": orEmpty(names), "zoneIds": orEmpty(ids), "groupNames": orEmpty(groups)}
	if state := q.str("state"); state != "" {
		result["state"] = state
	}
	return result, nil
}

// filters are the query's filters argument, name -> values, refusing a
// filter name not in modelled.
func (q query) filters(modelled ...string) (map[string][]string, error) {
	filters := map[string][]string{}
	list := unwrap(q.args["filters"])
	if !list.IsArray() {
		return filters, nil
	}
	for _, f := range list.ArrayValue() {
		name := str(f.ObjectValue(), "name")
		if !slices.Contains(modelled, name) {
			return nil, fmt.Errorf("fake aws: filter %s is not modelled (only %v)", name, modelled)
		}
		for _, v := range f.ObjectValue()["values"].ArrayValue() {
			filters[name] = append(filters[name], v.StringValue())
		}
	}
	return filters, nil
}

// callerIdentity: the account's user, as the example of STS
// GetCallerIdentity names one
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
func callerIdentity(query) (map[string]interface{}, error) {
	return map[string]interface{}{
		"id": AccountID, "accountId": AccountID,
		"arn": "arn:" + Partition + ":iam::" + AccountID + ":user/Alice", "userId": "AIDACKCEVSQ6C2EXAMPLE",
	}, nil
}

// partition: the commercial regions' partition.
func partition(query) (map[string]interface{}, error) {
	return map[string]interface{}{"id": Partition, "partition": Partition, "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}, nil
}

// region: the account's region, with its EC2 endpoint.
func region(q query) (map[string]interface{}, error) {
	return map[string]interface{}{"id": q.region, "name": q.region, "endpoint": "ec2." + q.region + ".amazonaws.com", "description": q.region}, nil
}

// tables: ListTables, every table's name.
func tables(q query) (map[string]interface{}, error) {
	names := []interface{}{}
	for _, o := range q.world.OfType("aws:dynamodb/table:Table") {
		names = append(names, o.Name)
	}
	return map[string]interface{}{"id": q.region, "names": names}, nil
}

// table: DescribeTable and its tags, or the provider's error for a table
// that does not exist.
func table(q query) (map[string]interface{}, error) {
	name := q.str("name")
	o := q.world.Find("aws:dynamodb/table:Table", name)
	if o == nil {
		return nil, fmt.Errorf("reading DynamoDB Table (%s): couldn't find resource", name)
	}
	outs, err := Props(o.Outputs)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"id": name, "name": name, "arn": str(outs, "arn"), "tags": stringMap(outs["tagsAll"])}, nil
}

// parameter: GetParameter, the value decrypted unless withDecryption is
// false (SSM returns a SecureString's ciphertext then).
func parameter(q query) (map[string]interface{}, error) {
	name := q.str("name")
	o := q.world.Find("aws:ssm/parameter:Parameter", name)
	if o == nil {
		return nil, fmt.Errorf("reading SSM Parameter (%s): ParameterNotFound", name)
	}
	p, err := readParameter(q, o)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"id": name, "name": name, "arn": p.arn, "type": p.typ, "value": p.value}, nil
}

// parametersByPath: GetParametersByPath, the parameters one level below
// the path, or every level with recursive (SSM API reference).
func parametersByPath(q query) (map[string]interface{}, error) {
	path := strings.TrimSuffix(q.str("path"), "/") + "/"
	recursive, _ := q.flag("recursive")
	var arns, names, types, values []interface{}
	for _, o := range q.world.OfType("aws:ssm/parameter:Parameter") {
		rest, ok := strings.CutPrefix(o.Name, path)
		if !ok || (!recursive && strings.Contains(rest, "/")) {
			continue
		}
		p, err := readParameter(q, o)
		if err != nil {
			return nil, err
		}
		arns, names, types, values = append(arns, p.arn), append(names, o.Name), append(types, p.typ), append(values, p.value)
	}
	return map[string]interface{}{"id": path, "path": path, "arns": orEmpty(arns), "names": orEmpty(names),
		"types": orEmpty(types), "values": orEmpty(values)}, nil
}

type parameterValue struct{ arn, typ, value string }

func readParameter(q query, o *Object) (parameterValue, error) {
	ins, err := Props(o.Inputs)
	if err != nil {
		return parameterValue{}, err
	}
	outs, err := Props(o.Outputs)
	if err != nil {
		return parameterValue{}, err
	}
	p := parameterValue{arn: str(outs, "arn"), typ: str(ins, "type"), value: str(ins, "value")}
	if decrypt, given := q.flag("withDecryption"); given && !decrypt && p.typ == "SecureString" {
		p.value = "[encrypted]"
	}
	return p, nil
}

// bucket: HeadBucket. The bridged data source turns its 404 into a
// retry.NotFoundError, whose text is "couldn't find resource"
// (terraform-provider-aws internal/service/s3/bucket.go findBucket,
// internal/retry/error.go), after "reading S3 Bucket (<name>): "
// (bucket_data_source.go). Its hosted zone is S3's in us-east-1 (other
// regions' are not modelled).
func bucket(q query) (map[string]interface{}, error) {
	name := q.str("bucket")
	o := q.world.Get("aws:s3/bucketV2:BucketV2", name)
	if o == nil {
		return nil, fmt.Errorf("reading S3 Bucket (%s): couldn't find resource", name)
	}
	outs, err := Props(o.Outputs)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{
		"id": name, "bucket": name, "arn": str(outs, "arn"), "region": q.region,
		"bucketDomainName": name + ".s3.amazonaws.com", "bucketRegionalDomainName": name + ".s3." + q.region + ".amazonaws.com",
		"hostedZoneId": "Z3AQBSTGFYJSTF",
	}, nil
}

// securityGroup: DescribeSecurityGroups by ID.
func securityGroup(q query) (map[string]interface{}, error) {
	id := q.str("id")
	o := q.world.Get("aws:ec2/securityGroup:SecurityGroup", id)
	if o == nil {
		return nil, fmt.Errorf("no matching EC2 Security Group found")
	}
	ins, err := Props(o.Inputs)
	if err != nil {
		return nil, err
	}
	arn := renderARN(awsTypes["aws:ec2/securityGroup:SecurityGroup"].arn, q.region, AccountID, "SecurityGroupId", id)
	return map[string]interface{}{"id": id, "vpcId": str(ins, "vpcId"), "arn": arn}, nil
}

// vpcs: DescribeVpcs by tags (every tag asked for must match); the
// program passes no filters.
func vpcs(q query) (map[string]interface{}, error) {
	want := stringMap(q.args["tags"])
	ids := []interface{}{}
	for _, o := range q.world.OfType("aws:ec2/vpc:Vpc") {
		outs, err := Props(o.Outputs)
		if err != nil {
			return nil, err
		}
		tags := stringMap(outs["tagsAll"])
		match := true
		for k, v := range want {
			match = match && tags[k] == v
		}
		if match {
			ids = append(ids, o.ID)
		}
	}
	return map[string]interface{}{"id": q.region, "ids": ids}, nil
}

// vpcPeeringConnections: DescribeVpcPeeringConnections with the filters
// its API reference names status-code, requester-vpc-info.vpc-id and
// accepter-vpc-info.vpc-id.
func vpcPeeringConnections(q query) (map[string]interface{}, error) {
	filters, err := q.filters("status-code", "requester-vpc-info.vpc-id", "accepter-vpc-info.vpc-id")
	if err != nil {
		return nil, err
	}
	ids := []interface{}{}
	for _, o := range q.world.OfType("aws:ec2/vpcPeeringConnection:VpcPeeringConnection") {
		ins, err := Props(o.Inputs)
		if err != nil {
			return nil, err
		}
		outs, err := Props(o.Outputs)
		if err != nil {
			return nil, err
		}
		have := map[string]string{"status-code": str(outs, "acceptStatus"),
			"requester-vpc-info.vpc-id": str(ins, "vpcId"), "accepter-vpc-info.vpc-id": str(ins, "peerVpcId")}
		match := true
		for name, values := range filters {
			match = match && slices.Contains(values, have[name])
		}
		if match {
			ids = append(ids, o.ID)
		}
	}
	return map[string]interface{}{"id": q.region, "ids": ids}, nil
}

// instanceTypeOfferings: DescribeInstanceTypeOfferings with the
// location type region (the API's default) and the filter instance-type
// of exact names (the API also takes wildcards; the program passes none).
// The account offers every type of AWS's list (stackconfig.EC2InstanceTypes)
// in every region, and in the order of the filter's values; which types a
// real region lacks is not modelled.
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html)
func instanceTypeOfferings(q query) (map[string]interface{}, error) {
	if lt := q.str("locationType"); lt != "" && lt != "region" {
		return nil, fmt.Errorf("fake aws: locationType %s is not modelled (only region)", lt)
	}
	filters, err := q.filters("instance-type")
	if err != nil {
		return nil, err
	}
	wanted, filtered := filters["instance-type"]
	if !filtered {
		wanted = stackconfig.EC2InstanceTypes
	}
	types, locationTypes, locations := []interface{}{}, []interface{}{}, []interface{}{}
	for _, name := range wanted {
		if strings.ContainsAny(name, "*?") {
			return nil, fmt.Errorf("fake aws: instance-type wildcard %s is not modelled", name)
		}
		if stackconfig.IsEC2InstanceType(name) {
			types, locationTypes, locations = append(types, name), append(locationTypes, "region"), append(locations, q.region)
		}
	}
	return map[string]interface{}{"id": q.region, "instanceTypes": types, "locationTypes": locationTypes, "locations": locations}, nil
}

// stringMap is an object of strings as a Go map (empty for no object).
func stringMap(v resource.PropertyValue) map[string]interface{} {
	out := map[string]interface{}{}
	if v = unwrap(v); v.IsObject() {
		for k, item := range v.ObjectValue() {
			if item.IsString() {
				out[string(k)] = item.StringValue()
			}
		}
	}
	return out
}

func orEmpty(list []interface{}) []interface{} {
	if list == nil {
		return []interface{}{}
	}
	return slices.Clip(list)
}
