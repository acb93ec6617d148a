package fakeaws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// accountWith is an account in us-east-1 holding a table of stack "old",
// two SecureString parameters (one a level deeper), a bucket, a VPC tagged
// stack=dev, a security group of another VPC, and an active peering
// connection from that VPC to the tagged one.
func accountWith(t *testing.T) *Account {
	t.Helper()
	store := NewMemoryStore()
	acct := NewAccount(store)
	for _, put := range []struct {
		typ    string
		inputs map[string]interface{}
	}{
		{"aws:dynamodb/table:Table", map[string]interface{}{"name": "push-old_router", "tags": map[string]interface{}{"stack": "old"}}},
		{"aws:ssm/parameter:Parameter", map[string]interface{}{"name": "/push-turnkey/push-old/crypto-key", "type": "SecureString", "value": "k1"}},
		{"aws:ssm/parameter:Parameter", map[string]interface{}{"name": "/push-turnkey/push-old/deeper/x", "type": "SecureString", "value": "k2"}},
		{"aws:s3/bucketV2:BucketV2", map[string]interface{}{"bucket": "push-old-logs"}},
	} {
		_, err := acct.Put(put.typ, "old", resource.NewPropertyMapFromMap(put.inputs), "1a2b3c4")
		require.NoError(t, err)
	}
	vpc, err := OutsideVPC("vpc-0stack", resource.NewObjectProperty(resource.PropertyMap{"stack": resource.NewProperty("dev")}))
	require.NoError(t, err)
	group, err := OutsideSecurityGroup("sg-0dashboard", "vpc-0dashboard")
	require.NoError(t, err)
	peering, err := ActivePeering("pcx-0peer", "vpc-0dashboard", "vpc-0stack")
	require.NoError(t, err)
	require.NoError(t, store.Change(func(w *World) error {
		w.Put(vpc)
		w.Put(group)
		w.Put(peering)
		return nil
	}))
	return acct
}

func invoke(t *testing.T, acct *Account, tok string, args map[string]interface{}) resource.PropertyMap {
	t.Helper()
	result, err := acct.Invoke(tok, resource.NewPropertyMapFromMap(args))
	require.NoError(t, err, tok)
	return result
}

func filter(name string, values ...interface{}) map[string]interface{} {
	return map[string]interface{}{"name": name, "values": values}
}

// lookupCalls call every data source the account answers so that it
// finds something.
var lookupCalls = map[string]map[string]interface{}{
	"aws:index/getAvailabilityZones:getAvailabilityZones":       {"state": "available"},
	"aws:index/getCallerIdentity:getCallerIdentity":             {},
	"aws:index/getPartition:getPartition":                       {},
	"aws:index/getRegion:getRegion":                             {},
	"aws:dynamodb/getTables:getTables":                          {},
	"aws:dynamodb/getTable:getTable":                            {"name": "push-old_router"},
	"aws:ssm/getParameter:getParameter":                         {"name": "/push-turnkey/push-old/crypto-key"},
	"aws:ssm/getParametersByPath:getParametersByPath":           {"path": "/push-turnkey/push-old/"},
	"aws:s3/getBucket:getBucket":                                {"bucket": "push-old-logs"},
	"aws:ec2/getSecurityGroup:getSecurityGroup":                 {"id": "sg-0dashboard"},
	"aws:ec2/getVpcs:getVpcs":                                   {"tags": map[string]interface{}{"stack": "dev"}},
	"aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections": {"filters": []interface{}{filter("status-code", "active")}},
	"aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {"filters": []interface{}{filter("instance-type", "t3.small")}, "locationType": "region"},
}

// TestEveryLookupAnswersInItsResultType: every answer has only the names
// of the real provider's result type, with their types.
func TestEveryLookupAnswersInItsResultType(t *testing.T) {
	acct := accountWith(t)
	for _, tok := range tokens(lookups) {
		args, ok := lookupCalls[tok]
		require.True(t, ok, "no call of %s in lookupCalls", tok)
		result := invoke(t, acct, tok, args)
		assert.Empty(t, checkInputs(lookups[tok].result, result), "%s answers what %s does not have", tok, lookups[tok].result)
	}
}

// TestLookupArgumentsAreTheSDKs: an argument the real function does not
// take is refused.
func TestLookupArgumentsAreTheSDKs(t *testing.T) {
	_, err := accountWith(t).Invoke("aws:dynamodb/getTable:getTable", resource.NewPropertyMapFromMap(map[string]interface{}{"tableName": "x"}))
	assert.ErrorContains(t, err, "tableName: not an input of this type")
	_, err = accountWith(t).Invoke("aws:dynamodb/getTables:getTables", resource.NewPropertyMapFromMap(map[string]interface{}{"x": "y"}))
	assert.ErrorContains(t, err, "takes no arguments")
}

// TestAvailabilityZonesHonourTheOptInFilter: DescribeAvailabilityZones
// lists the opted-in Local Zone with the Availability Zones, by name; the
// opt-in-status filter opt-in-not-required leaves it out; an unmodelled
// filter is refused.
func TestAvailabilityZonesHonourTheOptInFilter(t *testing.T) {
	acct := accountWith(t)
	names := func(r resource.PropertyMap) []interface{} { return r["names"].Mappable().([]interface{}) }
	all := invoke(t, acct, "aws:index/getAvailabilityZones:getAvailabilityZones", map[string]interface{}{})
	assert.Equal(t, []interface{}{"us-east-1-bos-1a", "us-east-1a", "us-east-1b", "us-east-1c"}, names(all))
	regional := invoke(t, acct, "aws:index/getAvailabilityZones:getAvailabilityZones",
		map[string]interface{}{"state": "available", "filters": []interface{}{filter("opt-in-status", "opt-in-not-required")}})
	assert.Equal(t, []interface{}{"us-east-1a", "us-east-1b", "us-east-1c"}, names(regional))
	assert.Equal(t, []interface{}{"use1-az1", "use1-az2", "use1-az4"}, regional["zoneIds"].Mappable())
	_, err := acct.Invoke("aws:index/getAvailabilityZones:getAvailabilityZones",
		resource.NewPropertyMapFromMap(map[string]interface{}{"filters": []interface{}{filter("zone-type", "local-zone")}}))
	assert.ErrorContains(t, err, "filter zone-type is not modelled")
}

// TestRegionCodes: the codes of AZ IDs (AWS RAM User Guide, "AZ IDs":
// use1-az1 in us-east-1) and of other regions by the same scheme.
func TestRegionCodes(t *testing.T) {
	for region, code := range map[string]string{"us-east-1": "use1", "eu-west-1": "euw1", "ap-southeast-2": "apse2", "eu-central-1": "euc1", "ap-northeast-1": "apne1"} {
		assert.Equal(t, code, regionCode(region), region)
	}
}

// TestParametersByPathGoOneLevelDown: GetParametersByPath without
// recursive lists one level below the path, with it every level; with
// withDecryption false a SecureString reads as its ciphertext.
func TestParametersByPathGoOneLevelDown(t *testing.T) {
	acct := accountWith(t)
	tok := "aws:ssm/getParametersByPath:getParametersByPath"
	one := invoke(t, acct, tok, map[string]interface{}{"path": "/push-turnkey/push-old"})
	assert.Equal(t, []interface{}{"/push-turnkey/push-old/crypto-key"}, one["names"].Mappable())
	assert.Equal(t, []interface{}{"k1"}, one["values"].Mappable())
	every := invoke(t, acct, tok, map[string]interface{}{"path": "/push-turnkey/push-old/", "recursive": true, "withDecryption": false})
	assert.Equal(t, []interface{}{"/push-turnkey/push-old/crypto-key", "/push-turnkey/push-old/deeper/x"}, every["names"].Mappable())
	assert.Equal(t, []interface{}{"[encrypted]", "[encrypted]"}, every["values"].Mappable())
}

// TestLookupsFindWhatExistsAndFailAsTheProviderDoes: each lookup of one
// thing finds it, and fails with the provider's words for what does not
// exist.
func TestLookupsFindWhatExistsAndFailAsTheProviderDoes(t *testing.T) {
	acct := accountWith(t)
	table := invoke(t, acct, "aws:dynamodb/getTable:getTable", map[string]interface{}{"name": "push-old_router"})
	assert.Equal(t, "old", table["tags"].ObjectValue()["stack"].StringValue(), "the tags it was made with")
	assert.Equal(t, "arn:aws:dynamodb:us-east-1:123456789012:table/push-old_router", table["arn"].StringValue())
	group := invoke(t, acct, "aws:ec2/getSecurityGroup:getSecurityGroup", map[string]interface{}{"id": "sg-0dashboard"})
	assert.Equal(t, "vpc-0dashboard", group["vpcId"].StringValue())

	for tok, args := range map[string]map[string]interface{}{
		"aws:dynamodb/getTable:getTable":            {"name": "push-new_router"},
		"aws:ssm/getParameter:getParameter":         {"name": "/push-turnkey/push-new/crypto-key"},
		"aws:s3/getBucket:getBucket":                {"bucket": "push-new-logs"},
		"aws:ec2/getSecurityGroup:getSecurityGroup": {"id": "sg-0elsewhere"},
	} {
		_, err := acct.Invoke(tok, resource.NewPropertyMapFromMap(args))
		assert.Error(t, err, tok)
	}
	_, err := acct.Invoke("aws:s3/getBucket:getBucket", resource.NewPropertyMapFromMap(map[string]interface{}{"bucket": "push-new-logs"}))
	// terraform-provider-aws internal/retry/error.go: NotFoundError.Error().
	assert.EqualError(t, err, "reading S3 Bucket (push-new-logs): couldn't find resource")
}

// TestLookUpFaultsFailTheirCallsThenClear: a data source with a fault
// fails its next Times calls with the fault's text, then answers.
func TestLookUpFaultsFailTheirCallsThenClear(t *testing.T) {
	acct := NewAccount(NewMemoryStore())
	require.NoError(t, acct.store.Change(func(w *World) error {
		w.LookUpFaults = map[string]*LookUpFault{"aws:dynamodb/getTables:getTables": {Message: "api error ThrottlingException: Rate exceeded", Times: 2}}
		return nil
	}))
	for range 2 {
		_, err := acct.Invoke("aws:dynamodb/getTables:getTables", resource.PropertyMap{})
		assert.EqualError(t, err, "api error ThrottlingException: Rate exceeded")
	}
	_, err := acct.Invoke("aws:dynamodb/getTables:getTables", resource.PropertyMap{})
	assert.NoError(t, err)
}

// TestVPCLookupsMatchTagsAndPeerings: getVpcs needs every tag asked for;
// getVpcPeeringConnections matches every filter.
func TestVPCLookupsMatchTagsAndPeerings(t *testing.T) {
	acct := accountWith(t)
	ids := func(r resource.PropertyMap) interface{} { return r["ids"].Mappable() }
	assert.Equal(t, []interface{}{"vpc-0stack"}, ids(invoke(t, acct, "aws:ec2/getVpcs:getVpcs", map[string]interface{}{"tags": map[string]interface{}{"stack": "dev"}})))
	assert.Equal(t, []interface{}{}, ids(invoke(t, acct, "aws:ec2/getVpcs:getVpcs",
		map[string]interface{}{"tags": map[string]interface{}{"stack": "dev", "project": "other"}})))
	tok := "aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections"
	assert.Equal(t, []interface{}{"pcx-0peer"}, ids(invoke(t, acct, tok, map[string]interface{}{"filters": []interface{}{
		filter("status-code", "active"), filter("requester-vpc-info.vpc-id", "vpc-0dashboard"), filter("accepter-vpc-info.vpc-id", "vpc-0stack")}})))
	assert.Equal(t, []interface{}{}, ids(invoke(t, acct, tok, map[string]interface{}{"filters": []interface{}{
		filter("requester-vpc-info.vpc-id", "vpc-0stack"), filter("accepter-vpc-info.vpc-id", "vpc-0dashboard")}})), "the other direction")
}

// TestInstanceTypeOfferingsAreAWSsTypes: the account offers, in its
// region, the types of the filter that AWS has, as
// DescribeInstanceTypeOfferings lists them (one location per type), and
// refuses what it does not model rather than answer wrongly.
func TestInstanceTypeOfferingsAreAWSsTypes(t *testing.T) {
	acct := accountWith(t)
	const tok = "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings"
	got := invoke(t, acct, tok, map[string]interface{}{"filters": []interface{}{filter("instance-type", "t3.small", "t3.smal", "m7i.large")}, "locationType": "region"})
	assert.Equal(t, []interface{}{"t3.small", "m7i.large"}, got.Mappable()["instanceTypes"])
	assert.Equal(t, []interface{}{"us-east-1", "us-east-1"}, got.Mappable()["locations"])
	assert.Equal(t, []interface{}{"region", "region"}, got.Mappable()["locationTypes"])

	for _, args := range []map[string]interface{}{
		{"filters": []interface{}{filter("instance-type", "t3.*")}},
		{"filters": []interface{}{filter("instance-type", "t3.small")}, "locationType": "availability-zone"},
		{"filters": []interface{}{filter("location", "us-east-1a")}},
	} {
		_, err := acct.Invoke(tok, resource.NewPropertyMapFromMap(args))
		assert.ErrorContains(t, err, "not modelled", args)
	}
}
