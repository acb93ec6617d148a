package pushstack_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// wildcardResources are the only statements allowed a "*" resource, each
// with the reason.
var wildcardResources = map[string]string{
	// ssmmessages:* channel actions have no resource types in the AWS
	// Service Authorization Reference: "*" is the only valid resource.
	"SessionManagerChannels": "Session Manager channels have no resource-level permissions",
	// autopush lists tables at start to find its message table;
	// dynamodb:ListTables has no resource types.
	"PushTableDiscovery": "dynamodb:ListTables has no resource-level permissions",
	// A Lambda in a VPC manages its network interfaces; these EC2 actions
	// (those of AWSLambdaVPCAccessExecutionRole) have no resource types.
	"VpcNetworkInterfaces": "Lambda VPC network-interface actions have no resource-level permissions",
	// A node's start script finds the load balancer by its tag
	// (tag:GetResources) and reads its DNS name; neither action has
	// resource types.
	"LoadBalancerLookup": "tag:GetResources and elasticloadbalancing:DescribeLoadBalancers have no resource-level permissions",
}

func TestIAMPoliciesAreScopedToTheStack(t *testing.T) {
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			p := runPlan(t, config, nil)
			policies := p.Find("aws:iam/rolePolicy:RolePolicy")
			require.NotEmpty(t, policies)
			for _, rp := range policies {
				doc := policy(t, rp, "policy")
				assert.Equal(t, "2012-10-17", doc.Version)
				for _, st := range doc.Statement {
					assert.Equal(t, "Allow", st.Effect, "%s/%s", rp.Name, st.Sid)
					require.NotEmpty(t, st.Action, "%s/%s", rp.Name, st.Sid)
					for _, action := range st.Action {
						assert.NotContains(t, action, "*", "wildcard action in %s/%s", rp.Name, st.Sid)
					}
					require.NotEmpty(t, st.Resource, "%s/%s", rp.Name, st.Sid)
					for _, res := range st.Resource {
						if res == "*" {
							assert.Contains(t, wildcardResources, st.Sid, "unlisted \"*\" resource in %s/%s", rp.Name, st.Sid)
							continue
						}
						assert.True(t, scopedToStack(p, res), "%s/%s resource %s is not one of this stack's ARNs", rp.Name, st.Sid, res)
					}
				}
			}
		})
	}
}

// scopedToStack reports whether arn names a resource this stack registered
// (an ARN the mocks computed, or a path under one), or this account's
// instances (Session Manager registration).
func scopedToStack(p *plan.Plan, arn string) bool {
	if arn == "arn:aws:ec2:us-east-1:"+plan.MockAccountID+":instance/*" {
		return true
	}
	for _, a := range stackARNs(p) {
		if arn == a || strings.HasPrefix(arn, a+"/") || strings.HasPrefix(arn, a+":") {
			return true
		}
	}
	return false
}

// stackARNs are the ARNs the fake account gave the stack's resources,
// read from the plan.
func stackARNs(p *plan.Plan) []string {
	var arns []string
	for _, r := range p.Resources {
		if arn := r.Outputs["arn"]; arn.IsString() {
			arns = append(arns, arn.StringValue())
		}
	}
	return arns
}

func TestNodeRoleGrantsExactlyWhatNodesNeed(t *testing.T) {
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			p := runPlan(t, config, nil)
			role := one(t, p, "aws:iam/role:Role", "push-node")
			trust := policy(t, role, "assumeRolePolicy")
			require.Len(t, trust.Statement, 1)
			assert.Equal(t, map[string]interface{}{"Service": "ec2.amazonaws.com"}, trust.Statement[0].Principal)

			grants := map[string][]string{}
			for _, st := range policy(t, one(t, p, "aws:iam/rolePolicy:RolePolicy", "push-node"), "policy").Statement {
				for _, action := range st.Action {
					grants[action] = append(grants[action], st.Resource...)
				}
			}
			tables := []string{
				"arn:aws:dynamodb:us-east-1:" + plan.MockAccountID + ":table/push-test_router",
				"arn:aws:dynamodb:us-east-1:" + plan.MockAccountID + ":table/push-test_message",
			}
			assert.Equal(t, []string{"*"}, grants["dynamodb:ListTables"])
			for action, resources := range grants {
				if strings.HasPrefix(action, "dynamodb:") && action != "dynamodb:ListTables" {
					assert.ElementsMatch(t, tables, resources, "%s must cover exactly the two push tables", action)
					assert.NotEqual(t, "dynamodb:CreateTable", action, "servers run without table rotation")
				}
			}
			var dynamodb []string
			for action := range grants {
				if strings.HasPrefix(action, "dynamodb:") {
					dynamodb = append(dynamodb, action)
				}
			}
			// Exactly the calls autopush 1.58.4 makes (reference:
			// autopush.md, runtime behaviour): no batch calls, no Scan, no
			// ConditionCheckItem.
			assert.ElementsMatch(t, []string{
				"dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
				"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
			}, dynamodb)
			assert.Equal(t, []string{"arn:aws:ssm:us-east-1:" + plan.MockAccountID + ":parameter/push-turnkey/push-test/crypto-key"},
				grants["ssm:GetParameter"])
			assert.Contains(t, grants, "ssmmessages:OpenDataChannel", "Session Manager access")
			// The awslogs driver writes the servers' output to their groups:
			// a stream per instance, nothing else of CloudWatch Logs.
			var logGroups []string
			for _, group := range []string{"connection", "endpoint"} {
				arn := "arn:aws:logs:us-east-1:" + plan.MockAccountID + ":log-group:/push-turnkey/push-test/" + group
				logGroups = append(logGroups, arn, arn+":log-stream:*")
			}
			for action, resources := range grants {
				if strings.HasPrefix(action, "logs:") {
					assert.Contains(t, []string{"logs:CreateLogStream", "logs:PutLogEvents"}, action)
					assert.ElementsMatch(t, logGroups, resources, action)
				}
			}
			assert.Contains(t, grants, "logs:PutLogEvents")
			if firehoseOn(name) {
				stream := []string{"arn:aws:firehose:us-east-1:" + plan.MockAccountID + ":deliverystream/push-test-push-logs"}
				assert.Equal(t, stream, grants["firehose:PutRecordBatch"])
				assert.Equal(t, stream, grants["firehose:DescribeDeliveryStream"], "the start script waits for the stream")
				assert.NotContains(t, grants, "firehose:PutRecord", "the server sends batches only")
			} else {
				assert.NotContains(t, grants, "firehose:PutRecord")
				assert.NotContains(t, grants, "firehose:PutRecordBatch")
			}
		})
	}
}

func TestFirehoseRoleWritesOnlyItsBucket(t *testing.T) {
	p := runPlan(t, configs["firehose"], nil)
	trust := policy(t, one(t, p, "aws:iam/role:Role", "push-logs-delivery"), "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, map[string]interface{}{"Service": "firehose.amazonaws.com"}, trust.Statement[0].Principal)
	assert.Equal(t, map[string]map[string]string{"StringEquals": {"sts:ExternalId": plan.MockAccountID}},
		trust.Statement[0].Condition, "only deliveries for this account")

	bucket := "arn:aws:s3:::push-test-logs-" + plan.MockAccountID
	doc := policy(t, one(t, p, "aws:iam/rolePolicy:RolePolicy", "push-logs-delivery"), "policy")
	s3Resources := map[string]bool{}
	for _, st := range doc.Statement {
		for _, action := range st.Action {
			if strings.HasPrefix(action, "s3:") {
				for _, r := range st.Resource {
					s3Resources[r] = true
				}
			}
		}
	}
	assert.Equal(t, map[string]bool{bucket: true, bucket + "/*": true}, s3Resources)
}

// TestEveryPolicyDocumentParses reads every policy-shaped input of every
// resource as JSON. The log bucket's policy only denies: its "s3:*" is the
// documented way to refuse every request made without TLS.
func TestEveryPolicyDocumentParses(t *testing.T) {
	p := runPlan(t, configs["firehose"], nil)
	seen := 0
	for _, r := range p.Resources {
		for key := range r.Inputs {
			if k := string(key); k != "policy" && k != "assumeRolePolicy" {
				continue
			}
			doc := policy(t, r, string(key))
			require.NotEmpty(t, doc.Statement, "%s %s %s", r.Type, r.Name, key)
			seen++
		}
	}
	assert.Equal(t, 7, seen, "two roles with trust and inline policies, one bucket policy, two key policies")
	p = runPlan(t, configs["processor"], nil)
	for _, r := range p.Resources {
		for _, key := range []string{"policy", "assumeRolePolicy"} {
			if _, ok := r.Inputs[resource.PropertyKey(key)]; ok {
				require.NotEmpty(t, policy(t, r, key).Statement, "%s %s %s", r.Type, r.Name, key)
			}
		}
	}

	bucketPolicy := policy(t, one(t, p, "aws:s3/bucketPolicy:BucketPolicy", "push-logs"), "policy")
	require.Len(t, bucketPolicy.Statement, 1)
	st := bucketPolicy.Statement[0]
	assert.Equal(t, "Deny", st.Effect)
	assert.Equal(t, []string{"s3:*"}, st.Action)
	assert.Equal(t, map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}}, st.Condition)
	bucket := "arn:aws:s3:::push-test-logs-" + plan.MockAccountID
	assert.Equal(t, []string{bucket, bucket + "/*"}, st.Resource)
}

func TestLogBucketIsPrivateEncryptedAndVersioned(t *testing.T) {
	p := runPlan(t, configs["firehose"], nil)
	block := one(t, p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "push-logs")
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.Equal(t, true, masked(block, k), k)
	}
	versioning := one(t, p, "aws:s3/bucketVersioningV2:BucketVersioningV2", "push-logs")
	assert.Equal(t, map[string]interface{}{"status": "Enabled"}, masked(versioning, "versioningConfiguration"))
	sse := one(t, p, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "push-logs")
	rule := masked(sse, "rules").([]interface{})[0].(map[string]interface{})
	assert.Equal(t, "AES256", rule["applyServerSideEncryptionByDefault"].(map[string]interface{})["sseAlgorithm"])

	stream := one(t, p, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "push-logs")
	assert.Equal(t, "push-test-push-logs", str(t, stream, "name"))
	s3 := masked(stream, "extendedS3Configuration").(map[string]interface{})
	assert.Equal(t, "arn:aws:s3:::push-test-logs-"+plan.MockAccountID, s3["bucketArn"])
	assert.Equal(t, float64(5), s3["bufferingSize"], "MiB, as the seed")
	assert.Equal(t, float64(60), s3["bufferingInterval"], "seconds, as the seed")
	assert.Equal(t, "GZIP", s3["compressionFormat"])
	assert.Equal(t, "logs/", s3["prefix"])
	assert.Equal(t, map[string]interface{}{"enabled": true, "keyType": "AWS_OWNED_CMK"}, masked(stream, "serverSideEncryption"))
	group := one(t, p, "aws:cloudwatch/logGroup:LogGroup", "push-logs")
	assert.Equal(t, float64(30), masked(group, "retentionInDays"))
}
