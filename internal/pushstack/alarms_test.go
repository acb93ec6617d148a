package pushstack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/internal/plan"
)

func TestAlarmsWatchEveryTier(t *testing.T) {
	p := runPlan(t, map[string]string{"processor": "true", "alarmEmail": "ops@example.com"}, nil)
	topic := one(t, p, "aws:sns/topic:Topic", "push-alarms")
	key := one(t, p, "aws:kms/key:Key", "push-alarms")
	assert.Equal(t, "arn:aws:kms:us-east-1:"+plan.MockAccountID+":kms/"+mockID(key), str(t, topic, "kmsMasterKeyId"),
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
	topicArn := "arn:aws:sns:us-east-1:" + plan.MockAccountID + ":" + mockID(topic)
	assert.Equal(t, topicArn, p.Outputs["alarmTopicArn"].Value)

	sub := one(t, p, "aws:sns/topicSubscription:TopicSubscription", "push-alarms-email")
	assert.Equal(t, "email", str(t, sub, "protocol"))
	assert.Equal(t, "ops@example.com", str(t, sub, "endpoint"))
	assert.Equal(t, topicArn, str(t, sub, "topic"))

	nlb := one(t, p, "aws:lb/loadBalancer:LoadBalancer", "push")
	tg := func(name string) string {
		r := one(t, p, "aws:lb/targetGroup:TargetGroup", name)
		return "targetgroup/" + mockID(r) + "/" + shortID(r)
	}
	want := map[string]map[string]interface{}{
		"push-alarms-unhealthy-connection-nodes": {"metricName": "UnHealthyHostCount", "namespace": "AWS/NetworkELB",
			"dimensions": map[string]interface{}{"LoadBalancer": "net/" + mockID(nlb) + "/" + shortID(nlb), "TargetGroup": tg("push-connection")}},
		"push-alarms-unhealthy-endpoint-nodes": {"metricName": "UnHealthyHostCount", "namespace": "AWS/NetworkELB",
			"dimensions": map[string]interface{}{"LoadBalancer": "net/" + mockID(nlb) + "/" + shortID(nlb), "TargetGroup": tg("push-endpoint")}},
		"push-alarms-log-delivery-failures": {"metricName": "DeliveryToS3.Success", "namespace": "AWS/Firehose",
			"dimensions": map[string]interface{}{"DeliveryStreamName": "push-test-push-logs"}},
		"push-alarms-processor-errors": {"metricName": "Errors", "namespace": "AWS/Lambda",
			"dimensions": map[string]interface{}{"FunctionName": "push-test-push-processor"}},
		"push-alarms-processor-failed-events": {"metricName": "ApproximateNumberOfMessagesVisible", "namespace": "AWS/SQS",
			"dimensions": map[string]interface{}{"QueueName": mockID(one(t, p, "aws:sqs/queue:Queue", "push-processor-failed-events"))}},
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
