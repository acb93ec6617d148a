package fakeaws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
)

var sqsTypes = map[string]resourceType{
	"aws:sqs/queue:Queue": {
		args: sqs.QueueArgs{}, state: sqs.QueueState{},
		doc:               registryPage("sqs/queue"),
		replaceOnChanges:  []string{"fifoQueue", "name", "namePrefix"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 80,
		arn:               "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
		arnDoc:            serviceAuthorization("amazonsqs"),
		// A queue is known by its URL, https://sqs.<region>.amazonaws.com/<account>/<name>
		// (CreateQueue's QueueUrl).
		make: func(m *made) string {
			m.set("arn", m.arnOf("QueueName", m.name()))
			url := "https://sqs." + m.region + ".amazonaws.com/" + AccountID + "/" + m.name()
			m.set("url", url)
			return url
		},
	},
}
