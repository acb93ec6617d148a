// Package purge deletes, for good, the stores a destroyed push stack left
// in the account on purpose (program/pushstack/retained.go; the README's
// "Tear down without losing subscribers"): under a table prefix, the log
// bucket with every object version and delete marker (it is versioned),
// the DynamoDB tables <prefix>_push_messages, <prefix>_message and
// <prefix>_router (deletion protection turned off first), and the crypto
// key parameter /push-turnkey/<prefix>/crypto-key. The bucket's settings
// (policy, public access block, ownership, versioning, encryption) go with
// the bucket. Nothing else is retained: the Redis auth token parameter,
// log groups and the rest go with `pulumi destroy`.
//
// It refuses while the stack that holds the stores still has resources
// (its servers, stream and Lambda use them), and when the tables' stack
// tag names another stack (one that took them over). It names each store
// before deleting it and deletes nothing unless the caller confirms with
// the prefix itself. The key parameter goes last: while it exists, the
// tables left after an interrupted purge can still be decoded.
package purge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dynamotypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// DynamoDB is the DynamoDB API a purge calls; *dynamodb.Client has it.
type DynamoDB interface {
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	ListTagsOfResource(context.Context, *dynamodb.ListTagsOfResourceInput, ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error)
	UpdateTable(context.Context, *dynamodb.UpdateTableInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error)
	DeleteTable(context.Context, *dynamodb.DeleteTableInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error)
}

// S3 is the S3 API a purge calls; *s3.Client has it.
type S3 interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	ListObjectVersions(context.Context, *s3.ListObjectVersionsInput, ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error)
	DeleteObjects(context.Context, *s3.DeleteObjectsInput, ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error)
	DeleteBucket(context.Context, *s3.DeleteBucketInput, ...func(*s3.Options)) (*s3.DeleteBucketOutput, error)
}

// SSM is the Systems Manager API a purge calls; *ssm.Client has it.
type SSM interface {
	GetParameter(context.Context, *ssm.GetParameterInput, ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
	DeleteParameter(context.Context, *ssm.DeleteParameterInput, ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error)
}

// Stack is what a purge asks of the stack that held the stores;
// *pulumicli.CLI has it.
type Stack interface {
	// Exists reports whether the project has the stack.
	Exists(ctx context.Context) (bool, error)
	// Resources lists the types of the resources its state holds.
	Resources(ctx context.Context) ([]string, error)
}

// Purge is one purge of one prefix.
type Purge struct {
	// Prefix is the stores' tablePrefix; StackName the stack that last
	// held them (their tables' stack tag), Stack that stack in the
	// current Pulumi backend.
	Prefix, StackName string
	Stack             Stack
	// Account is the AWS account ID (the log bucket's name ends with it).
	Account  string
	DynamoDB DynamoDB
	S3       S3
	SSM      SSM
	Out      io.Writer
	// Poll is the time between two looks at a table being changed or
	// deleted; Sleep waits it (nil: real time).
	Poll  time.Duration
	Sleep func(context.Context, time.Duration) error
}

// Store is one retained store found in the account.
type Store struct {
	Kind string // "S3 bucket", "DynamoDB table", "SSM parameter"
	Name string
	// Detail says what goes with it (never a value).
	Detail string
	// Protected: a table with deletion protection on.
	Protected bool
	owner     string // a table's stack tag
}

func (s Store) String() string { return s.Kind + " " + s.Name + " (" + s.Detail + ")" }

// names are the stores' names under the prefix, in the order a purge
// deletes them.
func (p *Purge) names() (bucket string, tables []string, parameter string) {
	c := stackconfig.Config{TablePrefix: p.Prefix}
	return stackconfig.LogBucketName(p.Prefix, p.Account),
		[]string{c.MessagesTableName(), c.MessageTableName(), c.RouterTableName()},
		c.KeyParameterName()
}

// Find looks the prefix's retained stores up, in the order Run deletes
// them.
func (p *Purge) Find(ctx context.Context) ([]Store, error) {
	bucket, tables, parameter := p.names()
	var stores []Store
	if _, err := p.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err == nil {
		stores = append(stores, Store{Kind: "S3 bucket", Name: bucket, Detail: "every object version and delete marker, then the bucket and its settings"})
	} else if !notFound(err) {
		return nil, fmt.Errorf("look up S3 bucket %s: %w", bucket, err)
	}
	for _, name := range tables {
		out, err := p.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if notFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look up DynamoDB table %s: %w", name, err)
		}
		t := out.Table
		s := Store{Kind: "DynamoDB table", Name: name, Protected: aws.ToBool(t.DeletionProtectionEnabled),
			Detail: fmt.Sprintf("about %d items", aws.ToInt64(t.ItemCount))}
		if s.Protected {
			s.Detail += ", deletion protection on: turned off first"
		}
		tags, err := p.DynamoDB.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: t.TableArn})
		if err != nil {
			return nil, fmt.Errorf("read the tags of DynamoDB table %s: %w", name, err)
		}
		for _, tag := range tags.Tags {
			if aws.ToString(tag.Key) == "stack" {
				s.owner = aws.ToString(tag.Value)
				s.Detail += ", stack " + s.owner
			}
		}
		stores = append(stores, s)
	}
	if _, err := p.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(parameter), WithDecryption: aws.Bool(false)}); err == nil {
		stores = append(stores, Store{Kind: "SSM parameter", Name: parameter,
			Detail: "the crypto keys: every endpoint issued under them becomes undecodable"})
	} else if !notFound(err) {
		return nil, fmt.Errorf("look up SSM parameter %s: %w", parameter, err)
	}
	return stores, nil
}

// check refuses stores that are another stack's, or in use by a stack
// that still has resources.
func (p *Purge) check(ctx context.Context, stores []Store) error {
	for _, s := range stores {
		if s.owner != "" && s.owner != p.StackName {
			return fmt.Errorf("%s belongs to stack %s (its stack tag), not %s: a stack that took the prefix over holds it; purge names that stack (-stack %s) once it is destroyed",
				s.Name, s.owner, p.StackName, s.owner)
		}
	}
	exists, err := p.Stack.Exists(ctx)
	if err != nil {
		return err
	}
	if !exists {
		return nil
	}
	resources, err := p.Stack.Resources(ctx)
	if err != nil {
		return err
	}
	if len(resources) > 0 {
		return fmt.Errorf("stack %s still has %d resources (%s, ...): they use these stores. Run pulumi destroy --stack %s first",
			p.StackName, len(resources), resources[0], p.StackName)
	}
	return nil
}

// Run finds the stores, refuses as check does, names each one, and, when
// confirm is the prefix, deletes them in order, naming each before it
// goes. Without it, it deletes nothing.
func (p *Purge) Run(ctx context.Context, confirm string) error {
	if p.Prefix == "" || p.StackName == "" || p.Account == "" {
		return errors.New("purge needs the table prefix, the stack name and the account")
	}
	stores, err := p.Find(ctx)
	if err != nil {
		return err
	}
	if len(stores) == 0 {
		fmt.Fprintf(p.Out, "nothing retained under prefix %s in account %s\n", p.Prefix, p.Account)
		return nil
	}
	if err := p.check(ctx, stores); err != nil {
		return err
	}
	fmt.Fprintf(p.Out, "retained under prefix %s in account %s:\n", p.Prefix, p.Account)
	for _, s := range stores {
		fmt.Fprintf(p.Out, "  %s\n", s)
	}
	if confirm != p.Prefix {
		if confirm != "" {
			return fmt.Errorf("-confirm %q is not the prefix %s: nothing deleted", confirm, p.Prefix)
		}
		fmt.Fprintf(p.Out, "nothing deleted. To delete these for good (no undo): add -confirm %s\n", p.Prefix)
		return nil
	}
	for _, s := range stores {
		fmt.Fprintf(p.Out, "deleting %s %s\n", s.Kind, s.Name)
		switch s.Kind {
		case "S3 bucket":
			err = p.deleteBucket(ctx, s.Name)
		case "DynamoDB table":
			err = p.deleteTable(ctx, s)
		default:
			_, err = p.SSM.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(s.Name)})
		}
		if err != nil {
			return fmt.Errorf("delete %s %s (the stores before it are gone; run this again to go on): %w", s.Kind, s.Name, err)
		}
		fmt.Fprintf(p.Out, "deleted %s %s\n", s.Kind, s.Name)
	}
	return nil
}

// notFound reports an error meaning the store does not exist: DynamoDB's
// ResourceNotFoundException, SSM's ParameterNotFound, S3's NotFound (a
// HeadBucket of no bucket) or NoSuchBucket.
func notFound(err error) bool {
	if err == nil {
		return false
	}
	var table *dynamotypes.ResourceNotFoundException
	var param *ssmtypes.ParameterNotFound
	var head *s3types.NotFound
	var bucket *s3types.NoSuchBucket
	if errors.As(err, &table) || errors.As(err, &param) || errors.As(err, &head) || errors.As(err, &bucket) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && slices.Contains([]string{"NotFound", "NoSuchBucket", "ResourceNotFoundException", "ParameterNotFound"}, api.ErrorCode())
}
