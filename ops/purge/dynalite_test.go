package purge

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dynamotypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/testservers"
)

// noBucket and noParameter are an account without the bucket and the
// parameter, answering as S3's HeadBucket (404 NotFound) and SSM's
// GetParameter (ParameterNotFound) do; the purge may not delete either.
type noBucket struct{ S3 }

func (noBucket) HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	return nil, &s3types.NotFound{}
}

type noParameter struct{ SSM }

func (noParameter) GetParameter(context.Context, *ssm.GetParameterInput, ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	return nil, &ssmtypes.ParameterNotFound{}
}

type goneStack struct{}

func (goneStack) Exists(context.Context) (bool, error)        { return false, nil }
func (goneStack) Resources(context.Context) ([]string, error) { return nil, nil }

// TestTablesAgainstDynalite: the DynamoDB half of a purge through the
// real SDK client against dynalite (the DynamoDB API, not ours): it finds
// the prefix's tables with their items and stack tag, leaves another
// prefix's table alone, deletes them and sees them gone; a table tagged
// with another stack is refused before anything is deleted. (dynalite
// knows no deletion protection: the fake account's refusal covers that,
// in the engine test.)
func TestTablesAgainstDynalite(t *testing.T) {
	srv, err := testservers.Dynalite()
	require.NoError(t, err)
	t.Cleanup(srv.Stop)
	ctx := context.Background()
	db := testservers.DynamoDBClient(srv.Addr)
	for _, name := range []string{"push-old_router", "push-old_message", "push-old_push_messages", "push-other_router"} {
		require.NoError(t, testservers.CreateTable(ctx, db, name, "uaid"))
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name),
			Item: map[string]dynamotypes.AttributeValue{"uaid": &dynamotypes.AttributeValueMemberS{Value: "subscriber"}}})
		require.NoError(t, err)
		desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		require.NoError(t, err)
		_, err = db.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: desc.Table.TableArn,
			Tags: []dynamotypes.Tag{{Key: aws.String("stack"), Value: aws.String("old")}}})
		require.NoError(t, err)
	}
	p := &Purge{Prefix: "push-old", StackName: "new", Stack: goneStack{}, Account: "123456789012",
		DynamoDB: db, S3: noBucket{}, SSM: noParameter{}, Out: &strings.Builder{}, Poll: 10 * time.Millisecond}
	err = p.Run(ctx, "push-old")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "push-old_push_messages belongs to stack old (its stack tag), not new")

	var out strings.Builder
	p.StackName, p.Out = "old", &out
	require.NoError(t, p.Run(ctx, "push-old"))
	for _, name := range []string{"push-old_push_messages", "push-old_message", "push-old_router"} {
		assert.Contains(t, out.String(), "deleting DynamoDB table "+name)
		_, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		var missing *dynamotypes.ResourceNotFoundException
		assert.ErrorAs(t, err, &missing, "%s is gone", name)
	}
	_, err = db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("push-other_router")})
	assert.NoError(t, err, "another prefix's table stays")
	assert.Less(t, strings.Index(out.String(), "_push_messages"), strings.Index(out.String(), "_router"), "deleted in order")
}
