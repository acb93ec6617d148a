package fakeaws

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
)

var ssmTypes = map[string]resourceType{
	"aws:ssm/parameter:Parameter": {
		args: ssm.ParameterArgs{}, state: ssm.ParameterState{},
		doc: registryPage("ssm/parameter"),
		// type and value are overwritten in place; tier replaces only on a
		// downgrade from Advanced to Standard (CustomizeDiff).
		replaceOnChanges:  []string{"dataType", "name"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 255,
		exists:            "ParameterAlreadyExists: The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
		arn:               "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}",
		arnDoc:            serviceAuthorization("awssystemsmanager"),
		make: func(m *made) string {
			m.set("arn", m.arnOf("ParameterNameWithoutLeadingSlash", strings.TrimPrefix(m.name(), "/")))
			return m.name()
		},
	},
}
