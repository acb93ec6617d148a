package deploypolicy

// dynamodbPage is DynamoDB's page of the Service Authorization Reference.
var dynamodbPage = sar("amazondynamodb")

// table scopes to the table named by the input key.
func table(key string) Scope {
	return func(t Target, s Subject) []string { return []string{t.regional("dynamodb", "table/"+s.str(key))} }
}

// tableReads are the calls that read a table: its description, point-in-
// time recovery, time to live and tags (table.go, table_data_source.go).
var tableReads = []string{"dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups",
	"dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"}

var dynamodbEntries = map[string]Entry{
	"aws:dynamodb/table:Table": {Reference: []string{dynamodbPage}, Provider: providerSource("dynamodb/table.go"), Grants: []Grant{
		// Encryption at rest with the AWS managed key needs no KMS
		// permission of the caller.
		{Op: Create, Actions: []string{"dynamodb:CreateTable"}, On: table("name")},
		{Op: Read, Actions: tableReads, On: table("name")},
		// Point-in-time recovery, time to live, deletion protection.
		{Op: Update, Actions: []string{"dynamodb:UpdateTable", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTimeToLive"}, On: table("name")},
		{Op: Tag, Actions: []string{"dynamodb:TagResource", "dynamodb:UntagResource"}, On: table("name")},
		{Op: Delete, Actions: []string{"dynamodb:DeleteTable"}, On: table("name")},
	}},
}
