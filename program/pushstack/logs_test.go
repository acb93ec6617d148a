package pushstack_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// TestLogGroups: every log group of the stack is encrypted with the
// stack's log key and kept logRetentionDays (30 by default); the servers
// and the Messages API each have one.
func TestLogGroups(t *testing.T) {
	want := map[string][]string{
		"default":   {"/push-turnkey/push-test/connection", "/push-turnkey/push-test/endpoint"},
		"firehose":  {"/push-turnkey/push-test/connection", "/push-turnkey/push-test/endpoint", "/aws/kinesisfirehose/push-test-push-logs"},
		"processor": {"/push-turnkey/push-test/connection", "/push-turnkey/push-test/endpoint", "/aws/kinesisfirehose/push-test-push-logs", "/push-turnkey/push-test/messages-api", "/aws/lambda/push-test-push-processor"},
	}
	for name, config := range configs {
		for _, days := range []string{"", "7"} {
			config := with(config, nil)
			retention := 30.0
			if days != "" {
				config["logRetentionDays"] = days
				retention = 7
			}
			p := runPlan(t, config, nil)
			key := one(t, p, "aws:kms/key:Key", "push-logs-key")
			var names []string
			for _, g := range p.Find("aws:cloudwatch/logGroup:LogGroup") {
				names = append(names, str(t, g, "name"))
				assert.Equal(t, retention, masked(g, "retentionInDays"), "%s %s", name, g.Name)
				assert.Equal(t, output(t, key, "arn"), str(t, g, "kmsKeyId"), "%s %s", name, g.Name)
			}
			assert.ElementsMatch(t, want[name], names, name)
		}
	}
}

// with is a copy of a with b's entries set.
func with(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestLogKeyLetsCloudWatchLogsEncrypt: the key policy CloudWatch Logs
// needs, for the account's log groups in the region only
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
func TestLogKeyLetsCloudWatchLogsEncrypt(t *testing.T) {
	p := runPlan(t, nil, nil)
	doc := policy(t, one(t, p, "aws:kms/key:Key", "push-logs-key"), "policy")
	var found bool
	for _, st := range doc.Statement {
		if st.Principal["Service"] != "logs.us-east-1.amazonaws.com" {
			continue
		}
		found = true
		assert.ElementsMatch(t, []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}, st.Action)
		assert.Equal(t, map[string]map[string]string{"ArnLike": {
			"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:" + plan.MockAccountID + ":log-group:*",
		}}, st.Condition)
	}
	assert.True(t, found, "CloudWatch Logs may use the key")
	assert.Equal(t, true, masked(one(t, p, "aws:kms/key:Key", "push-logs-key"), "enableKeyRotation"))
}

// TestServerOutputGoesToItsLogGroup: the servers and the Messages API run
// under Docker's awslogs driver, a stream per instance, non-blocking, and
// their instances wait for their group.
func TestServerOutputGoesToItsLogGroup(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	docker := dockerEngine(t)
	for node, command := range nodeCommands {
		in, b := bootNode(t, p, node, configuredImage(nil))
		assert.Equal(t, "/push-turnkey/push-test/"+map[string]string{"autopush": "connection", "autoendpoint": "endpoint"}[command], b.LogGroup)
		haveImage(t, docker, b.Image)
		removeContainer(t, docker, command)
		out, err := in.run(nodeStart)
		require.NoError(t, err, "%s", out)
		assertLogsTo(t, inspect(t, docker, command), b.LogGroup)
	}
	in, b := bootAPI(t, p)
	assert.Equal(t, "/push-turnkey/push-test/messages-api", b.LogGroup)
	removeContainer(t, docker, "messages-api")
	for _, script := range []string{apiPrepare, apiStart} {
		out, err := in.run(script)
		require.NoError(t, err, "%s", out)
	}
	assertLogsTo(t, inspect(t, docker, "messages-api"), b.LogGroup)
	groupURN := func(name string) string {
		for _, g := range p.Find("aws:cloudwatch/logGroup:LogGroup") {
			if g.Name == name {
				return g.URN
			}
		}
		require.Fail(t, "no log group "+name)
		return ""
	}
	assert.Contains(t, one(t, p, "aws:autoscaling/group:Group", "push-connection").Options.DependsOn, groupURN("push-connection-logs"))
	assert.Contains(t, one(t, p, "aws:autoscaling/group:Group", "push-endpoint").Options.DependsOn, groupURN("push-endpoint-logs"))
	assert.Contains(t, one(t, p, "aws:ec2/instance:Instance", "push-processor-api").Options.DependsOn, groupURN("push-processor-api-logs"))

	// The API's role writes to its group only.
	var logs []string
	for _, st := range policy(t, one(t, p, "aws:iam/rolePolicy:RolePolicy", "push-processor-api"), "policy").Statement {
		for _, action := range st.Action {
			if strings.HasPrefix(action, "logs:") {
				logs = append(logs, action)
				arn := "arn:aws:logs:us-east-1:" + plan.MockAccountID + ":log-group:/push-turnkey/push-test/messages-api"
				assert.ElementsMatch(t, []string{arn, arn + ":log-stream:*"}, st.Resource)
			}
		}
	}
	assert.ElementsMatch(t, []string{"logs:CreateLogStream", "logs:PutLogEvents"}, logs)
}
