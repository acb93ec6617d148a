package pushstack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/components"
	"github.com/push-turnkey/push-turnkey/services/processor"
)

func TestAlarmsWatchEveryTier(t *testing.T) {
	p := runPlan(t, map[string]string{"processor": "true", "alarmEmail": "ops@example.com"}, nil)
	topic := one(t, p, "aws:sns/topic:Topic", "push-alarms")
	key := one(t, p, "aws:kms/key:Key", "push-alarms")
	assert.Equal(t, output(t, key, "arn"), str(t, topic, "kmsMasterKeyId"),
		"a key of the stack's own, not aws/sns, which CloudWatch cannot use")
	keyPolicy := policy(t, key, "policy")
	var cloudwatch bool
	for _, st := range keyPolicy.Statement {
		if st.Principal["Service"] == "cloudwatch.amazonaws.com" {
			cloudwatch = true
			assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey"}, st.Action)
		}
	}
	assert.True(t, cloudwatch, "CloudWatch may use the key to publish")
	assert.Equal(t, true, masked(key, "enableKeyRotation"))
	topicArn := output(t, topic, "arn")
	assert.Equal(t, topicArn, p.Outputs["alarmTopicArn"].Value)

	sub := one(t, p, "aws:sns/topicSubscription:TopicSubscription", "push-alarms-email")
	assert.Equal(t, "email", str(t, sub, "protocol"))
	assert.Equal(t, "ops@example.com", str(t, sub, "endpoint"))
	assert.Equal(t, topicArn, str(t, sub, "topic"))

	nlb := one(t, p, "aws:lb/loadBalancer:LoadBalancer", "push")
	tg := func(name string) string {
		r := one(t, p, "aws:lb/targetGroup:TargetGroup", name)
		return output(t, r, "arnSuffix")
	}
	want := map[string]map[string]interface{}{
		"push-alarms-unhealthy-connection-nodes": {"metricName": "UnHealthyHostCount", "namespace": "AWS/NetworkELB",
			"dimensions": map[string]interface{}{"LoadBalancer": output(t, nlb, "arnSuffix"), "TargetGroup": tg("push-connection")}},
		"push-alarms-unhealthy-endpoint-nodes": {"metricName": "UnHealthyHostCount", "namespace": "AWS/NetworkELB",
			"dimensions": map[string]interface{}{"LoadBalancer": output(t, nlb, "arnSuffix"), "TargetGroup": tg("push-endpoint")}},
		"push-alarms-log-delivery-failures": {"metricName": "DeliveryToS3.Success", "namespace": "AWS/Firehose",
			"dimensions": map[string]interface{}{"DeliveryStreamName": "push-test-push-logs"}},
		"push-alarms-processor-errors": {"metricName": "Errors", "namespace": "AWS/Lambda",
			"dimensions": map[string]interface{}{"FunctionName": "push-test-push-processor"}},
		"push-alarms-processor-failed-events": {"metricName": "ApproximateNumberOfMessagesVisible", "namespace": "AWS/SQS",
			"dimensions": map[string]interface{}{"QueueName": output(t, one(t, p, "aws:sqs/queue:Queue", "push-processor-failed-events"), "name")}},
		"push-alarms-processor-malformed-records": {"metricName": "MalformedPercent", "namespace": processor.MetricsNamespace,
			"threshold": 50.0, "comparisonOperator": "GreaterThanThreshold",
			"dimensions": map[string]interface{}{"FunctionName": "push-test-push-processor"}},
		"push-alarms-processor-no-readable-records": {"comparisonOperator": "GreaterThanOrEqualToThreshold", "threshold": 1.0},
		"push-alarms-log-stream-silent":             {"comparisonOperator": "GreaterThanOrEqualToThreshold", "threshold": 1.0},
		"push-alarms-processor-unreadable-deliveries": {"metricName": "Unreadable", "namespace": processor.MetricsNamespace,
			"statistic": "Sum", "threshold": 0.0, "dimensions": map[string]interface{}{"FunctionName": "push-test-push-processor"}},
	}
	alarms := p.Find("aws:cloudwatch/metricAlarm:MetricAlarm")
	require.Len(t, alarms, len(want))
	for _, a := range alarms {
		w, ok := want[a.Name]
		require.True(t, ok, "unexpected alarm %s", a.Name)
		for k, v := range w {
			assert.Equal(t, v, masked(a, k), "%s %s", a.Name, k)
		}
		assert.Equal(t, []interface{}{topicArn}, masked(a, "alarmActions"), a.Name)
		assert.Equal(t, "notBreaching", str(t, a, "treatMissingData"), "%s: no traffic is no alarm", a.Name)
	}

	p = runPlan(t, nil, nil)
	assert.Empty(t, p.Find("aws:sns/topicSubscription:TopicSubscription"), "no subscription without alarmEmail")
}

// TestFormatDriftAlarms: the processor's metrics (published in its log
// line, see processor.MetricAttrs) watched by name and namespace: a
// mostly malformed object, and an hour of records none of which is
// readable.
func TestFormatDriftAlarms(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	a := one(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", "push-alarms-processor-no-readable-records")
	queries, ok := masked(a, "metricQueries").([]interface{})
	require.True(t, ok)
	require.Len(t, queries, 3)
	byID := map[string]map[string]interface{}{}
	for _, q := range queries {
		m := q.(map[string]interface{})
		byID[m["id"].(string)] = m
	}
	for id, metric := range map[string]string{"records": "Records", "readable": "Readable"} {
		m := byID[id]["metric"].(map[string]interface{})
		assert.Equal(t, metric, m["metricName"])
		assert.Equal(t, processor.MetricsNamespace, m["namespace"])
		assert.Equal(t, 3600.0, m["period"], "an hour")
		assert.Equal(t, map[string]interface{}{"FunctionName": "push-test-push-processor"}, m["dimensions"])
	}
	assert.Equal(t, "IF(records > 0 AND readable == 0, 1, 0)", byID["unreadable"]["expression"])
	assert.Equal(t, true, byID["unreadable"]["returnData"])
	assert.Equal(t, components.ProcessorMetricsNamespace, processor.MetricsNamespace)

	for _, r := range runPlan(t, configs["firehose"], nil).Find("aws:cloudwatch/metricAlarm:MetricAlarm") {
		assert.NotContains(t, r.Name, "processor", "no processor alarms without the processor")
	}
}

// TestLogSilenceAlarm: the Firehose sender dies silently on its first error
// (reference autopush.md), so silence while nodes serve clients alarms.
func TestLogSilenceAlarm(t *testing.T) {
	p := runPlan(t, configs["firehose"], nil)
	a := one(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", "push-alarms-log-stream-silent")
	queries := masked(a, "metricQueries").([]interface{})
	byID := map[string]map[string]interface{}{}
	returned := 0
	for _, q := range queries {
		m := q.(map[string]interface{})
		byID[m["id"].(string)] = m
		assert.Regexp(t, `^[a-z][A-Za-z0-9_]*$`, m["id"], "a metric math id starts with a lower-case letter (CloudWatch API MetricDataQuery)")
		if m["returnData"] == true {
			returned++
		}
	}
	assert.Equal(t, 1, returned, "an alarm returns exactly one time series")
	nlb := one(t, p, "aws:lb/loadBalancer:LoadBalancer", "push")
	lbDimension := output(t, nlb, "arnSuffix")
	for id, want := range map[string][3]string{
		"healthy_connection": {"AWS/NetworkELB", "HealthyHostCount", "Minimum"},
		"healthy_endpoint":   {"AWS/NetworkELB", "HealthyHostCount", "Minimum"},
		"flows":              {"AWS/NetworkELB", "NewFlowCount", "Sum"},
		"incoming":           {"AWS/Firehose", "IncomingRecords", "Sum"},
	} {
		require.Contains(t, byID, id)
		m := byID[id]["metric"].(map[string]interface{})
		assert.Equal(t, want[0], m["namespace"], id)
		assert.Equal(t, want[1], m["metricName"], id)
		assert.Equal(t, want[2], m["stat"], id)
		assert.Equal(t, float64(components.LogSilenceSeconds), m["period"], "%s: the 15 minutes are one period", id)
		dims := m["dimensions"].(map[string]interface{})
		if id == "incoming" {
			assert.Equal(t, map[string]interface{}{"DeliveryStreamName": "push-test-push-logs"}, dims)
		} else {
			assert.Equal(t, lbDimension, dims["LoadBalancer"], id)
		}
	}
	assert.Equal(t, 900, components.LogSilenceSeconds)
	assert.Equal(t, "IF((healthy_connection + healthy_endpoint) > 0 AND FILL(flows, 0) > 0 AND FILL(incoming, 0) == 0, 1, 0)",
		byID["silent"]["expression"], "nodes in service, clients connecting, no records")

	for _, r := range runPlan(t, nil, nil).Find("aws:cloudwatch/metricAlarm:MetricAlarm") {
		assert.NotEqual(t, "push-alarms-log-stream-silent", r.Name, "no delivery stream, no silence alarm")
	}
}

// TestEveryAlarmSaysWhatToDo: each alarm's description, which reaches the
// e-mail and the developer dashboard, gives a first command to run, within
// CloudWatch's 1,024 characters (PutMetricAlarm, AlarmDescription).
func TestEveryAlarmSaysWhatToDo(t *testing.T) {
	p := runPlan(t, map[string]string{"processor": "true"}, nil)
	alarms := p.Find("aws:cloudwatch/metricAlarm:MetricAlarm")
	require.Len(t, alarms, 9, "two node alarms and the seven pipeline alarms")
	for _, a := range alarms {
		description := str(t, a, "alarmDescription")
		assert.LessOrEqual(t, len(description), 1024, a.Name)
		assert.Regexp(t, `(aws (logs|autoscaling)|go run ./cmd/pushlog|pulumi (refresh|stack output))`, description, "%s gives a command", a.Name)
		assert.NotContains(t, description, "%!", "%s is formatted", a.Name)
	}
	firehose := str(t, one(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", "push-alarms-log-delivery-failures"), "alarmDescription")
	assert.Contains(t, firehose, "aws logs tail /aws/kinesisfirehose/push-test-push-logs ", "the stream's own error log")
	connection := str(t, one(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", "push-alarms-unhealthy-connection-nodes"), "alarmDescription")
	assert.Contains(t, connection, "aws logs tail /push-turnkey/push-test/connection ", "the connection nodes' log group")
}
