package testservers

import (
	"context"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/pushmessages"
)

// TableKeys scans the store's push messages table (the truth), read
// consistently, and returns its keys sorted.
func TableKeys(t testing.TB, s *pushmessages.Store) []string {
	t.Helper()
	keys := []string{}
	pages := dynamodb.NewScanPaginator(s.DynamoDB, &dynamodb.ScanInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		require.NoError(t, err)
		for _, item := range page.Items {
			keys = append(keys, item[pushmessages.KeyAttribute].(*types.AttributeValueMemberS).Value)
		}
	}
	sort.Strings(keys)
	return keys
}

// Missing returns the members of a that b lacks, in a's order.
func Missing(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, k := range b {
		in[k] = true
	}
	var out []string
	for _, k := range a {
		if !in[k] {
			out = append(out, k)
		}
	}
	return out
}
