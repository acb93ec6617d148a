package deploypolicy

// sqsPage is SQS's page of the Service Authorization Reference.
var sqsPage = sar("amazonsqs")

// queue scopes to the queue itself.
func queue(t Target, s Subject) []string { return []string{t.regional("sqs", s.physical("name"))} }

var sqsEntries = map[string]Entry{
	"aws:sqs/queue:Queue": {Reference: []string{sqsPage}, Provider: providerSource("sqs/queue.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"sqs:CreateQueue"}, On: queue},
		{Op: Read, Actions: []string{"sqs:GetQueueAttributes"}, On: queue},
		{Op: Update, Actions: []string{"sqs:SetQueueAttributes"}, On: queue},
		{Op: Tag, Actions: []string{"sqs:ListQueueTags", "sqs:TagQueue", "sqs:UntagQueue"}, On: queue},
		{Op: Delete, Actions: []string{"sqs:DeleteQueue"}, On: queue},
	}},
}
