package deploypolicy

// firehosePage is Kinesis Data Firehose's page of the Service
// Authorization Reference.
var firehosePage = sar("amazonkinesisfirehose")

var kinesisEntries = map[string]Entry{
	// iam:PassRole of its delivery role: aws_iam.go. Encryption at rest
	// with an AWS owned key needs no KMS permission of the caller.
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {Reference: []string{firehosePage},
		Provider: providerSource("firehose/delivery_stream.go"), Grants: []Grant{
			{Op: Create, Actions: []string{"firehose:CreateDeliveryStream", "firehose:StartDeliveryStreamEncryption"}, On: stream},
			{Op: Read, Actions: []string{"firehose:DescribeDeliveryStream"}, On: stream},
			{Op: Update, Actions: []string{"firehose:UpdateDestination", "firehose:StopDeliveryStreamEncryption"}, On: stream},
			{Op: Tag, Actions: []string{"firehose:ListTagsForDeliveryStream", "firehose:TagDeliveryStream", "firehose:UntagDeliveryStream"}, On: stream},
			{Op: Delete, Actions: []string{"firehose:DeleteDeliveryStream"}, On: stream},
		}},
}

// stream scopes to the delivery stream itself.
func stream(t Target, s Subject) []string {
	return []string{t.regional("firehose", "deliverystream/"+s.physical("name"))}
}
