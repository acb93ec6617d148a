package stackconfig

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAWSListsNameTheirSource: each list names AWS's page, the copy it was
// taken from, its date and how to update it, and holds each name once.
func TestAWSListsNameTheirSource(t *testing.T) {
	for _, tc := range []struct {
		list  AWSList
		names []string
	}{
		{EC2InstanceTypesSource(), EC2InstanceTypes},
		{CacheNodeTypesSource(), append(slices.Clone(CacheNodeTypes), PreviousCacheNodeTypes...)},
		{RegionsSource(), regionNames()},
	} {
		t.Run(tc.list.File, func(t *testing.T) {
			assert.Regexp(t, `^https://docs\.aws\.amazon\.com/`, tc.list.URL)
			for _, field := range []string{tc.list.What, tc.list.Source, tc.list.CopiedFrom, tc.list.Update} {
				assert.NotEmpty(t, field)
			}
			for _, date := range []string{tc.list.Date, tc.list.Read} {
				_, err := time.Parse(time.DateOnly, date)
				assert.NoError(t, err)
			}
			assert.FileExists(t, strings.TrimPrefix(tc.list.File, "program/stackconfig/"))
			require.NotEmpty(t, tc.names)
			seen := map[string]bool{}
			for _, n := range tc.names {
				assert.False(t, seen[n], "%s twice", n)
				seen[n] = true
			}
		})
	}
}

// TestAWSNamesAreAccepted: names AWS documents are accepted: instance
// types of the "Amazon EC2 instance types" pages
// (https://aws.amazon.com/ec2/instance-types/: t3, t4g, m7i-flex, c7g, r6i
// sizes), node types of ElastiCache's supported node types, and Regions
// of the AWS Regions page, of each partition.
func TestAWSNamesAreAccepted(t *testing.T) {
	for _, v := range []string{"t3.nano", "t3.small", "t3.2xlarge", "t4g.micro", "m5.large", "m7i-flex.large", "c7g.large", "r6i.xlarge", "c7i.metal-24xl", "a1.medium"} {
		assert.Empty(t, validInstanceType(v), v)
	}
	for _, v := range []string{"cache.t4g.micro", "cache.t3.small", "cache.m7g.large", "cache.r7g.16xlarge", "cache.r6g.large"} {
		assert.Empty(t, validRedisNodeType(v), v)
	}
	for _, v := range []string{"us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1", "mx-central-1", "us-gov-west-1", "cn-north-1"} {
		assert.Nil(t, regionProblem(v), v)
	}
}

// TestNamesAWSDoesNotHaveAreRefusedWithTheNearest: a misspelt type or
// region is refused before any resource, naming the key and the nearest
// names, and the command offered sets the nearest.
func TestNamesAWSDoesNotHaveAreRefusedWithTheNearest(t *testing.T) {
	processor := map[string]string{"processor": "true"}
	for _, tc := range []struct {
		key, value string
		extra      map[string]string
		problem    string
		example    string
	}{
		{"instanceType", "t3.smal", nil, `"t3.smal" is not an EC2 instance type: AWS's list ` + ec2InstanceTypesList.URL + ` of 2026-11-20 (program/stackconfig/awslists/ec2-instance-types.json) has no such name; did you mean t3.small`, "t3.small"},
		{"instanceType", "m5.larg", nil, "did you mean m5.large", "m5.large"},
		{"instanceType", "T3.SMALL", nil, "did you mean t3.small?", "t3.small"},
		{"instanceType", "cache.t3.small", nil, "did you mean t3.small?", "t3.small"},
		{"instanceType", "t9.small", nil, "did you mean t2.small", "t2.small"},
		{"instanceType", "potato.huge", nil, "has no such name; a type AWS added since goes into that file first", DefaultInstanceType},
		{"messagesApiInstanceType", "t4g.mirco", processor, "did you mean t4g.micro?", "t4g.micro"},
		{"redisNodeType", "t4g.micro", processor, "did you mean cache.t4g.micro?", "cache.t4g.micro"},
		{"redisNodeType", "cache.t4g.mirco", processor, "did you mean cache.t4g.micro", "cache.t4g.micro"},
		{"redisNodeType", "cache.m3.medium", processor, `"cache.m3.medium" is a previous-generation ElastiCache node type: AWS supports existing clusters of it but creates no new ones`, "cache.t3.medium"},
	} {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			raw := map[string]string{tc.key: tc.value}
			for k, v := range tc.extra {
				raw[k] = v
			}
			_, err := Parse("dev", raw)
			require.Error(t, err)
			var cfgErr *Error
			require.True(t, errors.As(err, &cfgErr))
			assert.Contains(t, err.Error(), "config push-turnkey:"+tc.key+": "+`"`+tc.value+`"`)
			assert.Contains(t, err.Error(), tc.problem)
			assert.Contains(t, err.Error(), "(example: pulumi config set "+tc.key+" "+tc.example+")")
			raw[tc.key] = tc.example
			_, err = Parse("dev", raw)
			assert.NoError(t, err, "the example offered is accepted")
		})
	}

	plain := func(string) bool { return false }
	for region, want := range map[string]string{
		"us-east-3": "did you mean us-east-1 or us-east-2? (example: pulumi config set aws:region us-east-1)",
		"eu-west-5": "did you mean eu-west-1, eu-west-2 or eu-west-3? (example: pulumi config set aws:region eu-west-1)",
		"useast1":   `"useast1" is not an AWS region name; did you mean us-east-1? (example: pulumi config set aws:region us-east-1)`,
	} {
		_, err := ParseStack("dev", nil, region, plain)
		require.Error(t, err, region)
		assert.Contains(t, err.Error(), "config aws:region: ")
		assert.Contains(t, err.Error(), want)
	}
	_, err := ParseStack("dev", nil, "us-east-3", plain)
	assert.Contains(t, err.Error(), `"us-east-3" is not an AWS Region: AWS's list https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html of 2026-11-10 (program/stackconfig/awslists/regions.json) has no such region`)
}
