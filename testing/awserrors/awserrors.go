// Package awserrors makes the texts of the errors AWS answers the
// program's look-ups with, as the AWS SDK for Go v2 (the SDK
// terraform-provider-aws, under pulumi-aws, is built on) writes them: each
// comes from a real SDK client calling an endpoint that gives the answer a
// service's API reference documents, so no text here is written by hand
// but the answer's body. The provider prefixes a data source's own words
// ("reading S3 Bucket (<name>): "), which each helper adds.
package awserrors

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// RequestID is the request ID every answer carries.
const RequestID = "c0ffee00-0000-4000-8000-000000000000"

// answer is what an AWS endpoint answers every request with: its HTTP
// status, the error type header of the JSON protocols ("" for none) and
// its body.
type answer struct {
	status    int
	errorType string
	body      string
}

// text is the error the SDK makes of a, for call made through an
// endpoint that always answers a, after the SDK's own retries (two
// tries, no wait between them).
func text(t testing.TB, a answer, call func(ctx context.Context, endpoint string, cfg aws.Config) error) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.errorType != "" {
			w.Header().Set("X-Amzn-ErrorType", a.errorType)
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		}
		w.Header().Set("X-Amzn-RequestId", RequestID)
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	defer srv.Close()
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 2
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		},
	}
	err := call(context.Background(), srv.URL, cfg)
	if err == nil {
		t.Fatal("awserrors: the SDK call succeeded against an endpoint that only fails")
	}
	return err.Error()
}

// ThrottledListTables is dynamodb.GetTables when DynamoDB throttles
// ListTables (DynamoDB API Reference, Common Errors: ThrottlingException,
// HTTP 400).
func ThrottledListTables(t testing.TB) string {
	return "listing DynamoDB Tables: " + text(t, answer{400, "ThrottlingException", `{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}`},
		func(ctx context.Context, endpoint string, cfg aws.Config) error {
			_, err := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(endpoint) }).ListTables(ctx, &dynamodb.ListTablesInput{})
			return err
		})
}

// RefusedGetParametersByPath is ssm.GetParametersByPath for a user no
// policy allows ssm:GetParametersByPath on path (IAM User Guide,
// "Troubleshoot access denied error messages": the message names the
// principal, the action and the resource).
func RefusedGetParametersByPath(t testing.TB, path string) string {
	return "reading SSM Parameters by path (" + path + "): " + text(t, answer{400, "AccessDeniedException",
		`{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: ssm:GetParametersByPath on resource: arn:aws:ssm:us-east-1:123456789012:parameter` +
			path + ` because no identity-based policy allows the ssm:GetParametersByPath action"}`},
		func(ctx context.Context, endpoint string, cfg aws.Config) error {
			_, err := ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = aws.String(endpoint) }).
				GetParametersByPath(ctx, &ssm.GetParametersByPathInput{Path: aws.String(path)})
			return err
		})
}

// HeadBucket is s3.LookupBucket when HeadBucket answers status with no
// body (S3 API Reference, HeadBucket: 403 for a user without
// s3:ListBucket or a bucket of another account; 503 SlowDown or Service
// Unavailable when S3 sheds load). A 404 never reaches a program this
// way: the provider turns it into "couldn't find resource".
func HeadBucket(t testing.TB, bucket string, status int) string {
	return "reading S3 Bucket (" + bucket + "): " + text(t, answer{status: status},
		func(ctx context.Context, endpoint string, cfg aws.Config) error {
			_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(endpoint); o.UsePathStyle = true }).
				HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
			return err
		})
}
