package purge

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dynamotypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// maxKeys is the most versions and delete markers one ListObjectVersions
// returns and one DeleteObjects takes (S3 API Reference: MaxKeys "up to
// 1,000"; DeleteObjects "up to 1,000 keys").
const maxKeys = 1000

// deleteBucket deletes every object version and delete marker of the
// bucket, a page at a time, each by its version ID (deleting a key
// without one in a versioned bucket only adds a delete marker: S3 API
// Reference, DeleteObjects), then the bucket, which S3 refuses while any
// version or marker is left (DeleteBucket).
func (p *Purge) deleteBucket(ctx context.Context, bucket string) error {
	deleted := 0
	for {
		page, err := p.S3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), MaxKeys: aws.Int32(maxKeys)})
		if err != nil {
			return fmt.Errorf("list object versions: %w", err)
		}
		var ids []s3types.ObjectIdentifier
		for _, v := range page.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range page.DeleteMarkers {
			ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if len(ids) == 0 {
			break
		}
		if len(ids) > maxKeys {
			return fmt.Errorf("list object versions returned %d versions and markers, more than the %d DeleteObjects takes", len(ids), maxKeys)
		}
		out, err := p.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket),
			Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}})
		if err != nil {
			return fmt.Errorf("delete object versions: %w", err)
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("delete object versions: %d failed, e.g. %s version %s: %s %s", len(out.Errors),
				aws.ToString(e.Key), aws.ToString(e.VersionId), aws.ToString(e.Code), aws.ToString(e.Message))
		}
		deleted += len(ids)
		fmt.Fprintf(p.Out, "  %d object versions and delete markers deleted\n", deleted)
	}
	if _, err := p.S3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return fmt.Errorf("delete the bucket: %w", err)
	}
	return nil
}

// deleteTable turns a table's deletion protection off (UpdateTable; a
// protected table refuses DeleteTable), waits until it is ACTIVE (a
// table being updated refuses DeleteTable with ResourceInUseException),
// deletes it and waits until it is gone.
func (p *Purge) deleteTable(ctx context.Context, s Store) error {
	name := aws.String(s.Name)
	if s.Protected {
		if _, err := p.DynamoDB.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: name, DeletionProtectionEnabled: aws.Bool(false)}); err != nil {
			return fmt.Errorf("turn deletion protection off: %w", err)
		}
		fmt.Fprintf(p.Out, "  deletion protection turned off\n")
	}
	if err := p.poll(ctx, "become ACTIVE", func() (bool, error) {
		out, err := p.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: name})
		if err != nil {
			return false, err
		}
		return out.Table.TableStatus == dynamotypes.TableStatusActive, nil
	}); err != nil {
		return err
	}
	if _, err := p.DynamoDB.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: name}); err != nil {
		return err
	}
	return p.poll(ctx, "be deleted", func() (bool, error) {
		_, err := p.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: name})
		if notFound(err) {
			return true, nil
		}
		return false, err
	})
}

// pollAttempts bounds a wait for a table: 120 looks, 10 minutes at the
// default 5 s.
const pollAttempts = 120

// poll asks done until it is true, sleeping Poll between two asks.
func (p *Purge) poll(ctx context.Context, what string, done func() (bool, error)) error {
	wait := p.Sleep
	if wait == nil {
		wait = func(ctx context.Context, d time.Duration) error {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(d):
				return nil
			}
		}
	}
	for range pollAttempts {
		ok, err := done()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if err := wait(ctx, p.Poll); err != nil {
			return err
		}
	}
	return fmt.Errorf("the table did not %s after %d looks", what, pollAttempts)
}
