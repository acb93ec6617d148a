package deploypolicy

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// lambdaPage is Lambda's page of the Service Authorization Reference.
var lambdaPage = sar("awslambda")

// function scopes to the function named (or ARN'd) by the input key.
func function(key string) Scope {
	return func(t Target, s Subject) []string {
		name := s.str(key)
		name = name[strings.LastIndex(name, ":")+1:]
		return []string{t.regional("lambda", "function:"+name)}
	}
}

// functionCode is the object of the function's code (s3Bucket, s3Key):
// Lambda reads it with the caller's permissions.
func functionCode(t Target, s Subject) []string {
	return bucketObject(t, Subject{Type: s.Type, Name: s.Name, Plan: s.Plan,
		Inputs: resource.PropertyMap{"bucket": s.Inputs["s3Bucket"], "key": s.Inputs["s3Key"]}})
}

var lambdaEntries = map[string]Entry{
	"aws:lambda/function:Function": {Reference: []string{lambdaPage, ec2Page, s3Page}, Provider: providerSource("lambda/function.go"), Grants: []Grant{
		// iam:PassRole of its role: aws_iam.go.
		{Op: Create, Actions: []string{"lambda:CreateFunction"}, On: function("name")},
		{Op: Create, Actions: []string{"s3:GetObject"}, On: functionCode},
		// A function in a VPC: Lambda checks the caller may describe the
		// subnets and security groups
		// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions).
		{Op: Create, Actions: []string{"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"}},
		{Op: Read, Actions: []string{"lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig"}, On: function("name")},
		{Op: Update, Actions: []string{"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"}, On: function("name")},
		{Op: Tag, Actions: []string{"lambda:ListTags", "lambda:TagResource", "lambda:UntagResource"}, On: function("name")},
		{Op: Delete, Actions: []string{"lambda:DeleteFunction"}, On: function("name")},
	}},
	"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {Reference: []string{lambdaPage},
		Provider: providerSource("lambda/function_event_invoke_config.go"), Grants: []Grant{
			{Op: Create, Actions: []string{"lambda:PutFunctionEventInvokeConfig"}, On: function("functionName")},
			{Op: Read, Actions: []string{"lambda:GetFunctionEventInvokeConfig"}, On: function("functionName")},
			{Op: Delete, Actions: []string{"lambda:DeleteFunctionEventInvokeConfig"}, On: function("functionName")},
		}},
	"aws:lambda/permission:Permission": {Reference: []string{lambdaPage}, Provider: providerSource("lambda/permission.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"lambda:AddPermission"}, On: function("function")},
		{Op: Read, Actions: []string{"lambda:GetPolicy"}, On: function("function")},
		{Op: Delete, Actions: []string{"lambda:RemovePermission"}, On: function("function")},
	}},
}
