package fakeaws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kinesis"
)

var kinesisTypes = map[string]resourceType{
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
		args: kinesis.FirehoseDeliveryStreamArgs{}, state: kinesis.FirehoseDeliveryStreamState{},
		doc: registryPage("kinesis/firehosedeliverystream"),
		// Nothing under extendedS3Configuration or serverSideEncryption forces
		// a new stream (UpdateDestination, Start/StopDeliveryStreamEncryption).
		replaceOnChanges:  []string{"destination", "kinesisSourceConfiguration", "mskSourceConfiguration", "name"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 255,
		arn:               "arn:${Partition}:firehose:${Region}:${Account}:deliverystream/${DeliveryStreamName}",
		arnDoc:            serviceAuthorization("amazonkinesisfirehose"),
		// A delivery stream is known by its ARN (its import ID on the
		// registry page).
		make: func(m *made) string {
			arn := m.arnOf("DeliveryStreamName", m.name())
			m.set("arn", arn)
			return arn
		},
	},
}
