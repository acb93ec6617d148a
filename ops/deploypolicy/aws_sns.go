package deploypolicy

import "strings"

// snsPage is SNS's page of the Service Authorization Reference.
var snsPage = sar("amazonsns")

// topic scopes to the topic itself.
func topic(t Target, s Subject) []string { return []string{t.regional("sns", s.physical("name"))} }

// topicOf scopes to the topic a subscription names (input "topic", an
// ARN): the stack's topic of that name.
func topicOf(t Target, s Subject) []string {
	name := s.str("topic")
	name = name[strings.LastIndex(name, ":")+1:]
	for _, r := range s.Plan.Find("aws:sns/topic:Topic") {
		if r.Outputs["name"].IsString() && r.Outputs["name"].StringValue() == name {
			return topic(t, Subject{Type: r.Type, Name: r.Name, Inputs: r.Inputs, Plan: s.Plan})
		}
	}
	return nil
}

var snsEntries = map[string]Entry{
	// Encrypted with the stack's key, whose key policy lets SNS and
	// CloudWatch use it: no KMS permission of the caller.
	"aws:sns/topic:Topic": {Reference: []string{snsPage}, Provider: providerSource("sns/topic.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"sns:CreateTopic", "sns:SetTopicAttributes"}, On: topic},
		{Op: Read, Actions: []string{"sns:GetTopicAttributes"}, On: topic},
		{Op: Tag, Actions: []string{"sns:ListTagsForResource", "sns:TagResource", "sns:UntagResource"}, On: topic},
		{Op: Delete, Actions: []string{"sns:DeleteTopic"}, On: topic},
	}},
	"aws:sns/topicSubscription:TopicSubscription": {Reference: []string{snsPage}, Provider: providerSource("sns/topic_subscription.go"), Grants: []Grant{
		// The subscription's own calls take no resource type on the
		// reference (a subscription is no resource type of SNS's).
		{Op: Create, Actions: []string{"sns:Subscribe"}, On: topicOf},
		{Op: Create, Actions: []string{"sns:SetSubscriptionAttributes"}},
		{Op: Read, Actions: []string{"sns:GetSubscriptionAttributes"}},
		{Op: Delete, Actions: []string{"sns:Unsubscribe"}},
	}},
}
