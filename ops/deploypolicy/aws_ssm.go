package deploypolicy

import "strings"

// ssmPage is Systems Manager's page of the Service Authorization
// Reference.
var ssmPage = sar("awssystemsmanager")

// parameter scopes to the parameter named by the input key (a parameter's
// ARN holds its name without the leading "/").
func parameter(key string) Scope {
	return func(t Target, s Subject) []string {
		return []string{t.regional("ssm", "parameter/"+strings.TrimPrefix(s.str(key), "/"))}
	}
}

var ssmEntries = map[string]Entry{
	// SecureString with the AWS managed key aws/ssm, whose key policy lets
	// every principal of the account use it through SSM: no KMS
	// permission (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-restrict-decryption.html).
	"aws:ssm/parameter:Parameter": {Reference: []string{ssmPage}, Provider: providerSource("ssm/parameter.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"ssm:PutParameter"}, On: parameter("name")},
		{Op: Read, Actions: []string{"ssm:GetParameter"}, On: parameter("name")},
		{Op: Read, Actions: []string{"ssm:DescribeParameters"}},
		{Op: Tag, Actions: []string{"ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource"}, On: parameter("name")},
		{Op: Delete, Actions: []string{"ssm:DeleteParameter"}, On: parameter("name")},
	}},
}
