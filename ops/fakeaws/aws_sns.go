package fakeaws

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
)

var snsTypes = map[string]resourceType{
	"aws:sns/topic:Topic": {
		args: sns.TopicArgs{}, state: sns.TopicState{},
		doc: registryPage("sns/topic"),
		// kmsMasterKeyId is a topic attribute, set in place.
		replaceOnChanges: []string{"fifoTopic", "name", "namePrefix"},
		// CreateTopic returns the existing topic for a known name; the fake
		// reports the clash instead.
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 80,
		arn:               "arn:${Partition}:sns:${Region}:${Account}:${TopicName}",
		arnDoc:            serviceAuthorization("amazonsns"),
		// A topic is known by its ARN.
		make: func(m *made) string {
			arn := m.arnOf("TopicName", m.name())
			m.set("arn", arn)
			return arn
		},
	},
	"aws:sns/topicSubscription:TopicSubscription": {
		args: sns.TopicSubscriptionArgs{}, state: sns.TopicSubscriptionState{},
		doc:              registryPage("sns/topicsubscription"),
		replaceOnChanges: []string{"endpoint", "protocol", "topic"},
		// The SubscriptionArn of Subscribe's example response: the topic's
		// ARN, ":", and the subscription's UUID.
		arn:    "arn:${Partition}:sns:${Region}:${Account}:${TopicName}:${SubscriptionId}",
		arnDoc: "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html#API_Subscribe_Examples",
		make: func(m *made) string {
			topic := m.str("topic")
			arn := m.arnOf("TopicName", topic[strings.LastIndex(topic, ":")+1:], "SubscriptionId", m.uuid())
			m.set("arn", arn)
			return arn
		},
	},
}
