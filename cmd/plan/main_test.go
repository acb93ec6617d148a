package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONPlanOfTheExampleStack(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-stack", "dev", "-dir", "../..", "-json"}, &out))

	var doc struct {
		Resources []struct {
			URN, Type, Name, Parent string
			Custom                  bool
			Inputs                  map[string]interface{}
			Options                 map[string]interface{}
		}
		Outputs map[string]interface{}
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	require.NotEmpty(t, doc.Resources)
	assert.Equal(t, "[secret]", doc.Outputs["cryptoKey"])
	assert.Equal(t, "push-dev", doc.Outputs["tablePrefix"])
	assert.NotContains(t, out.String(), "CRYPTO_KEY=", "no key material in the plan")

	byName := map[string]int{}
	for i, r := range doc.Resources {
		byName[r.Type+" "+r.Name] = i
		assert.True(t, strings.HasPrefix(r.URN, "urn:pulumi:dev::push-turnkey::"), r.URN)
		for _, opt := range []string{"retainOnDelete", "protect", "deleteBeforeReplace", "ignoreChanges", "dependsOn"} {
			assert.Contains(t, r.Options, opt, "%s options", r.URN)
		}
	}
	param := doc.Resources[byName["aws:ssm/parameter:Parameter crypto-key"]]
	assert.Equal(t, "[secret]", param.Inputs["value"], "secret inputs are masked")
	assert.True(t, param.Custom)
	assert.Contains(t, param.Parent, "push-turnkey:security:CryptoKey::crypto-key")
	random := doc.Resources[byName["random:index/randomBytes:RandomBytes crypto-key"]]
	assert.Contains(t, param.Options["dependsOn"], random.URN, "dependsOn includes dependencies through inputs")

	table := doc.Resources[byName["aws:dynamodb/table:Table push-tables-router"]]
	assert.Equal(t, true, table.Options["retainOnDelete"])
	stream := doc.Resources[byName["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream push-logs"]]
	policy := doc.Resources[byName["aws:iam/rolePolicy:RolePolicy push-logs-delivery"]]
	assert.Contains(t, stream.Options["dependsOn"], policy.URN, "explicit dependsOn is listed")
}

func TestTreeOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-dir", "../..", "-config", "firehose=false"}, &out))
	text := out.String()
	assert.Contains(t, text, "push-turnkey:storage:PushTables  push-tables\n  aws:dynamodb/table:Table  push-tables-message  [retained on delete]\n")
	assert.NotContains(t, text, "FirehoseLogging", "-config overrides the stack file")
	assert.Contains(t, text, "cryptoKey: [secret]")
}

func TestBadConfigFails(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-dir", "../..", "-config", "instanceType=large", "-config", "redisNodeType=big"}, &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "push-turnkey:instanceType")
	assert.Contains(t, err.Error(), "push-turnkey:redisNodeType")
	assert.Empty(t, out.String(), "nothing is printed for a bad config")
}

func TestCostOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-dir", "../..", "-stack", "cost-check", "-config", "aws:region=us-east-1", "-cost"}, &out))
	text := out.String()
	assert.Contains(t, text, "Estimated monthly cost at no traffic, us-east-1 on-demand prices of 2026-12-01 (ops/cost/prices-us-east-1.json):")
	assert.Contains(t, text, "USD  aws:autoscaling/group:Group push-connection: 1 × t3.small instance\n")
	assert.Regexp(t, `\n +69\.79 USD  total\n$`, text, "the default config's total, as the README states it")

	out.Reset()
	require.NoError(t, run([]string{"-dir", "../..", "-stack", "cost-check", "-config", "aws:region=us-east-1", "-cost", "-json"}, &out))
	var doc struct {
		Resources []interface{} `json:"resources"`
		Cost      struct {
			Region string  `json:"region"`
			Total  float64 `json:"totalUsd"`
			Lines  []struct {
				Resource string  `json:"resource"`
				Monthly  float64 `json:"monthlyUsd"`
			} `json:"lines"`
		} `json:"cost"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.NotEmpty(t, doc.Resources, "-json keeps the plan")
	assert.Equal(t, "us-east-1", doc.Cost.Region)
	assert.Equal(t, 69.79, doc.Cost.Total)
	assert.NotEmpty(t, doc.Cost.Lines)

	err := run([]string{"-dir", "../..", "-stack", "cost-check", "-config", "aws:region=eu-west-1", "-cost"}, &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no prices for eu-west-1")
}

// TestCostLinesAddUpToTheTotal: the amounts -cost prints add up, to the
// cent, to the total it prints (each line is rounded before it is added).
func TestCostLinesAddUpToTheTotal(t *testing.T) {
	line := regexp.MustCompile(`(?m)^ +([0-9]+)\.([0-9]{2}) USD  (.*)$`)
	for _, config := range [][]string{{}, {"-config", "processor=true", "-config", "natGateway=true"}} {
		var out bytes.Buffer
		args := append([]string{"-dir", "../..", "-stack", "cost-check", "-config", "aws:region=us-east-1", "-cost"}, config...)
		require.NoError(t, run(args, &out))
		var sum, total int64
		var lines int
		for _, m := range line.FindAllStringSubmatch(out.String(), -1) {
			usd, err := strconv.ParseInt(m[1], 10, 64)
			require.NoError(t, err)
			c, err := strconv.ParseInt(m[2], 10, 64)
			require.NoError(t, err)
			if m[3] == "total" {
				total = usd*100 + c
				continue
			}
			sum += usd*100 + c
			lines++
		}
		require.Greater(t, lines, 10, "%v: the estimate's lines", config)
		assert.Equal(t, total, sum, "%v: the lines printed add up to the total printed", config)
	}
}

func TestWarningsArePrinted(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-dir", "../..", "-config", "adoptExisting=true"}, &out))
	assert.Contains(t, out.String(), "warning: push-turnkey:adoptExisting is no longer needed")

	out.Reset()
	require.NoError(t, run([]string{"-dir", "../..", "-config", "adoptExisting=true", "-json"}, &out))
	var doc struct {
		Warnings []string `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	require.Len(t, doc.Warnings, 2)
	assert.Contains(t, doc.Warnings[0], "adoptExisting")
	assert.Contains(t, doc.Warnings[1], "no domainName: the push service speaks plain ws://", "the example stack has no domain")

	out.Reset()
	require.NoError(t, run([]string{"-dir", "../..", "-config", "domainName=push.example.com", "-config", "hostedZoneId=Z0123456789ABCDEFGHIJ"}, &out))
	assert.NotContains(t, out.String(), "no domainName", "a stack with TLS serves browsers")

	out.Reset()
	require.NoError(t, run([]string{"-dir", "../..", "-stack", "cost-check", "-cost"}, &out))
	assert.Contains(t, out.String(), "warning: aws:region is not set: priced as us-east-1")
}

// TestDeployPolicyOutput: -deploy-policy prints a JSON list of IAM policy
// documents for the stack's names, each within the managed-policy size,
// and refuses -json and -cost.
func TestDeployPolicyOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-dir", "../..", "-stack", "dev", "-config", "aws:region=eu-west-1", "-deploy-policy"}, &out))
	var docs []struct {
		Version   string
		Statement []struct {
			Sid      string
			Effect   string
			Action   []string
			Resource []string
		}
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &docs))
	require.NotEmpty(t, docs)
	var resources []string
	for _, d := range docs {
		assert.Equal(t, "2012-10-17", d.Version)
		compact, err := json.Marshal(d)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(compact), 6144)
		for _, s := range d.Statement {
			resources = append(resources, s.Resource...)
		}
	}
	assert.Contains(t, resources, "arn:aws:dynamodb:eu-west-1:${aws:PrincipalAccount}:table/push-dev_router", "the stack's region and table names")
	assert.Contains(t, resources, "arn:aws:s3:::push-dev-logs-${aws:PrincipalAccount}", "the dev stack has the log bucket")

	for _, other := range []string{"-json", "-cost"} {
		err := run([]string{"-dir", "../..", "-stack", "dev", "-deploy-policy", other}, &out)
		require.Error(t, err, other)
		assert.Contains(t, err.Error(), "-deploy-policy")
	}
}
