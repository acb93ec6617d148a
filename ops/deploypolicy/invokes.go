package deploypolicy

import "strings"

// invokeEntries are the look-ups the program makes (preflight), by
// function token: the data sources' calls, in the provider's source.
var invokeEntries = map[string]Entry{
	"aws:index/getAvailabilityZones:getAvailabilityZones": {Reference: []string{ec2Page},
		Provider: providerSource("ec2/ec2_availability_zones_data_source.go"),
		Grants:   []Grant{{Op: Read, Actions: []string{"ec2:DescribeAvailabilityZones"}}}},
	"aws:index/getCallerIdentity:getCallerIdentity": {Reference: []string{stsPage},
		Provider: providerSource("sts/caller_identity_data_source.go"),
		Grants:   []Grant{{Op: Read, Actions: []string{"sts:GetCallerIdentity"}}}},
	"aws:index/getPartition:getPartition": {Provider: providerSource("meta/partition_data_source.go"),
		None: "answered from the provider's configuration"},
	"aws:index/getRegion:getRegion": {Provider: providerSource("meta/region_data_source.go"),
		None: "answered from the provider's configuration"},
	"aws:dynamodb/getTables:getTables": {Reference: []string{dynamodbPage}, Provider: providerSource("dynamodb/tables_data_source.go"),
		Grants: []Grant{{Op: Read, Actions: []string{"dynamodb:ListTables"}}}},
	"aws:dynamodb/getTable:getTable": {Reference: []string{dynamodbPage}, Provider: providerSource("dynamodb/table_data_source.go"),
		Grants: []Grant{{Op: Read, Actions: tableReads, On: table("name")}}},
	"aws:ssm/getParameter:getParameter": {Reference: []string{ssmPage}, Provider: providerSource("ssm/parameter_data_source.go"),
		Grants: []Grant{{Op: Read, Actions: []string{"ssm:GetParameter"}, On: parameter("name")}}},
	"aws:ssm/getParametersByPath:getParametersByPath": {Reference: []string{ssmPage},
		Provider: providerSource("ssm/parameters_by_path_data_source.go"),
		Grants:   []Grant{{Op: Read, Actions: []string{"ssm:GetParametersByPath"}, On: parameterPath}}},
	// HeadBucket is s3:ListBucket.
	"aws:s3/getBucket:getBucket": {Reference: []string{s3Page}, Provider: providerSource("s3/bucket_data_source.go"),
		Grants: []Grant{{Op: Read, Actions: []string{"s3:ListBucket"}, On: bucket}}},
	"aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {Reference: []string{ec2Page},
		Provider: providerSource("ec2/ec2_instance_type_offerings_data_source.go"),
		Grants:   []Grant{{Op: Read, Actions: []string{"ec2:DescribeInstanceTypeOfferings"}}}},
	"aws:ec2/getSecurityGroup:getSecurityGroup": {Reference: []string{ec2Page}, Provider: providerSource("ec2/vpc_security_group_data_source.go"),
		Grants: []Grant{{Op: Read, Actions: []string{"ec2:DescribeSecurityGroups"}}}},
	"aws:ec2/getVpcs:getVpcs": {Reference: []string{ec2Page}, Provider: providerSource("ec2/vpcs_data_source.go"),
		Grants: []Grant{{Op: Read, Actions: []string{"ec2:DescribeVpcs"}}}},
	"aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections": {Reference: []string{ec2Page},
		Provider: providerSource("ec2/vpc_peering_connections_data_source.go"),
		Grants:   []Grant{{Op: Read, Actions: []string{"ec2:DescribeVpcPeeringConnections"}}}},
}

// parameterPath scopes to a path of parameters (input path, "/a/b/"): the
// path itself and the parameters under it.
func parameterPath(t Target, s Subject) []string {
	p := strings.Trim(s.str("path"), "/")
	return []string{t.regional("ssm", "parameter/"+p), t.regional("ssm", "parameter/"+p+"/*")}
}
