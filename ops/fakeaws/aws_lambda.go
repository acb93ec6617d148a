package fakeaws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
)

var lambdaTypes = map[string]resourceType{
	"aws:lambda/function:Function": {
		args: lambda.FunctionArgs{}, state: lambda.FunctionState{},
		doc: registryPage("lambda/function"),
		// Terraform function_name. Code, configuration and vpcConfig are
		// all updated in place.
		replaceOnChanges:  []string{"name", "packageType"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 64,
		exists:            "ResourceConflictException: Function already exist: %s",
		arn:               "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
		arnDoc:            serviceAuthorization("awslambda"),
		make:              byName("FunctionName"),
	},
	"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
		args: lambda.FunctionEventInvokeConfigArgs{}, state: lambda.FunctionEventInvokeConfigState{},
		doc:              registryPage("lambda/functioneventinvokeconfig"),
		replaceOnChanges: []string{"functionName", "qualifier"},
		// Known by its function's name (its import ID on the registry page).
		make: func(m *made) string { return m.str("functionName") },
	},
	"aws:lambda/permission:Permission": {
		args: lambda.PermissionArgs{}, state: lambda.PermissionState{},
		doc: registryPage("lambda/permission"),
		// The resource has no update: every input forces a new statement.
		replaceOnChanges: []string{
			"action", "eventSourceToken", "function", "functionUrlAuthType", "principal", "principalOrgId",
			"qualifier", "sourceAccount", "sourceArn", "statementId", "statementIdPrefix",
		},
		// statementId is unique only within its function's policy.
		autoName:          "statementId",
		autoNameMaxLength: 100,
		// Known by its statement ID.
		make: func(m *made) string { return m.str("statementId") },
	},
}
