package enginetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dynamotypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
)

// accountStores answers the purge's DynamoDB, S3 and SSM calls from the
// fake account's world, which after `pulumi destroy` holds exactly the
// retained stores. Deletions go through the fake account's own rules
// (fakeaws.Account.Delete: a table with deletion protection refuses,
// from the DynamoDB API Reference, DeleteTable). What the account does
// not model, the bucket's object versions, is modelled here after the S3
// API Reference: a versioned bucket keeps every version; DeleteObjects
// takes at most 1,000 keys (MalformedXML beyond) and, for a key given
// without a version ID, only adds a delete marker; ListObjectVersions
// returns at most MaxKeys (1,000 by default) versions and markers
// together; DeleteBucket fails with BucketNotEmpty while any version or
// delete marker is left, and takes the bucket's settings with it.
type accountStores struct {
	t       *testing.T
	e       *engine
	account *fakeaws.Account

	mu       sync.Mutex
	versions map[string][]objectVersion // bucket -> versions and markers
	serial   int
}

type objectVersion struct {
	key, id string
	marker  bool
}

const (
	tableType     = "aws:dynamodb/table:Table"
	bucketType    = "aws:s3/bucketV2:BucketV2"
	parameterType = "aws:ssm/parameter:Parameter"
)

// bucketSettings go with their bucket.
var bucketSettings = []string{
	"aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketVersioningV2:BucketVersioningV2",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
}

func newAccountStores(t *testing.T, e *engine) *accountStores {
	return &accountStores{t: t, e: e, account: fakeaws.NewAccount(fakeaws.FileStore(e.state)), versions: map[string][]objectVersion{}}
}

// put writes n versions spread over keys objects into bucket, and a
// delete marker on every tenth key, as Firehose writing and a user
// deleting leave a versioned bucket.
func (a *accountStores) put(bucket string, keys, n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range n {
		a.serial++
		key := fmt.Sprintf("logs/2026/01/01/%04d.gz", i%keys)
		a.versions[bucket] = append(a.versions[bucket], objectVersion{key: key, id: fmt.Sprintf("v%06d", a.serial)})
	}
	for i := 0; i < keys; i += 10 {
		a.serial++
		a.versions[bucket] = append(a.versions[bucket], objectVersion{key: fmt.Sprintf("logs/2026/01/01/%04d.gz", i), id: fmt.Sprintf("v%06d", a.serial), marker: true})
	}
}

func (a *accountStores) count(bucket string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.versions[bucket])
}

func (a *accountStores) table(name string) (*fakeaws.Object, resource.PropertyMap, resource.PropertyMap, error) {
	o := a.e.world(a.t).Find(tableType, name)
	if o == nil {
		return nil, nil, nil, &dynamotypes.ResourceNotFoundException{Message: aws.String("Requested resource not found: Table: " + name + " not found")}
	}
	ins, err := fakeaws.Props(o.Inputs)
	require.NoError(a.t, err)
	outs, err := fakeaws.Props(o.Outputs)
	require.NoError(a.t, err)
	return o, ins, outs, nil
}

// DescribeTable describes a table of the world, ACTIVE.
func (a *accountStores) DescribeTable(_ context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	o, ins, outs, err := a.table(aws.ToString(in.TableName))
	if err != nil {
		return nil, err
	}
	protected := plain(ins["deletionProtectionEnabled"])
	return &dynamodb.DescribeTableOutput{Table: &dynamotypes.TableDescription{
		TableName: aws.String(o.Name), TableArn: aws.String(plain(outs["arn"]).StringValue()),
		TableStatus: dynamotypes.TableStatusActive, ItemCount: aws.Int64(int64(len(o.Items))),
		DeletionProtectionEnabled: aws.Bool(protected.IsBool() && protected.BoolValue()),
	}}, nil
}

// ListTagsOfResource lists a table's tags (tagsAll: the provider's
// default tags with its own).
func (a *accountStores) ListTagsOfResource(_ context.Context, in *dynamodb.ListTagsOfResourceInput, _ ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error) {
	for _, o := range a.e.world(a.t).OfType(tableType) {
		outs, err := fakeaws.Props(o.Outputs)
		require.NoError(a.t, err)
		if plain(outs["arn"]).StringValue() != aws.ToString(in.ResourceArn) {
			continue
		}
		var out dynamodb.ListTagsOfResourceOutput
		if tags := plain(outs["tagsAll"]); tags.IsObject() {
			for k, v := range tags.ObjectValue() {
				out.Tags = append(out.Tags, dynamotypes.Tag{Key: aws.String(string(k)), Value: aws.String(plain(v).StringValue())})
			}
		}
		return &out, nil
	}
	return nil, &dynamotypes.ResourceNotFoundException{Message: aws.String("Requested resource not found: " + aws.ToString(in.ResourceArn))}
}

// UpdateTable changes deletion protection, the one change a purge makes
// (any other is refused here).
func (a *accountStores) UpdateTable(_ context.Context, in *dynamodb.UpdateTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error) {
	if in.DeletionProtectionEnabled == nil || in.BillingMode != "" || in.AttributeDefinitions != nil || in.ProvisionedThroughput != nil {
		return nil, fmt.Errorf("stand-in: UpdateTable changes only deletion protection here")
	}
	name := aws.ToString(in.TableName)
	if _, _, _, err := a.table(name); err != nil {
		return nil, err
	}
	a.e.edit(a.t, func(w *fakeaws.World) error {
		o := w.Find(tableType, name)
		return drift(w, o.Type, o.ID, "deletionProtectionEnabled", resource.NewProperty(*in.DeletionProtectionEnabled))
	})
	return &dynamodb.UpdateTableOutput{}, nil
}

// DeleteTable deletes a table, unless the account refuses.
func (a *accountStores) DeleteTable(_ context.Context, in *dynamodb.DeleteTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error) {
	o, _, _, err := a.table(aws.ToString(in.TableName))
	if err != nil {
		return nil, err
	}
	if err := a.account.Delete(tableType, o.ID); err != nil {
		return nil, err
	}
	return &dynamodb.DeleteTableOutput{}, nil
}

// HeadBucket finds a bucket (404 NotFound without a body, as S3 answers).
func (a *accountStores) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	if a.e.world(a.t).Get(bucketType, aws.ToString(in.Bucket)) == nil {
		return nil, &s3types.NotFound{}
	}
	return &s3.HeadBucketOutput{}, nil
}

// ListObjectVersions lists the first MaxKeys versions and markers; a
// purge deletes what it listed and lists again, so markers into the
// listing are not modelled and refused.
func (a *accountStores) ListObjectVersions(_ context.Context, in *s3.ListObjectVersionsInput, _ ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	if in.KeyMarker != nil || in.VersionIdMarker != nil {
		return nil, fmt.Errorf("stand-in: KeyMarker and VersionIdMarker are not modelled")
	}
	bucket := aws.ToString(in.Bucket)
	if a.e.world(a.t).Get(bucketType, bucket) == nil {
		return nil, &s3types.NoSuchBucket{}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	max := 1000
	if in.MaxKeys != nil && *in.MaxKeys >= 0 && *in.MaxKeys < 1000 {
		max = int(*in.MaxKeys)
	}
	list := slices.Clone(a.versions[bucket])
	slices.SortStableFunc(list, func(x, y objectVersion) int {
		switch {
		case x.key < y.key:
			return -1
		case x.key > y.key:
			return 1
		}
		return 0
	})
	out := &s3.ListObjectVersionsOutput{IsTruncated: aws.Bool(len(list) > max)}
	for _, v := range list[:min(max, len(list))] {
		if v.marker {
			out.DeleteMarkers = append(out.DeleteMarkers, s3types.DeleteMarkerEntry{Key: aws.String(v.key), VersionId: aws.String(v.id)})
		} else {
			out.Versions = append(out.Versions, s3types.ObjectVersion{Key: aws.String(v.key), VersionId: aws.String(v.id)})
		}
	}
	return out, nil
}

// DeleteObjects deletes the given versions; a key without a version ID
// gets a delete marker.
func (a *accountStores) DeleteObjects(_ context.Context, in *s3.DeleteObjectsInput, _ ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	if in.Delete == nil || len(in.Delete.Objects) == 0 || len(in.Delete.Objects) > 1000 {
		return nil, &smithy.GenericAPIError{Code: "MalformedXML", Message: "The XML you provided was not well-formed or did not validate against our published schema"}
	}
	bucket := aws.ToString(in.Bucket)
	a.mu.Lock()
	defer a.mu.Unlock()
	out := &s3.DeleteObjectsOutput{}
	for _, o := range in.Delete.Objects {
		if o.VersionId == nil {
			a.serial++
			a.versions[bucket] = append(a.versions[bucket], objectVersion{key: aws.ToString(o.Key), id: fmt.Sprintf("v%06d", a.serial), marker: true})
			continue
		}
		a.versions[bucket] = slices.DeleteFunc(a.versions[bucket], func(v objectVersion) bool {
			return v.key == aws.ToString(o.Key) && v.id == aws.ToString(o.VersionId)
		})
		if !aws.ToBool(in.Delete.Quiet) {
			out.Deleted = append(out.Deleted, s3types.DeletedObject{Key: o.Key, VersionId: o.VersionId})
		}
	}
	return out, nil
}

// DeleteBucket deletes an empty bucket and its settings.
func (a *accountStores) DeleteBucket(_ context.Context, in *s3.DeleteBucketInput, _ ...func(*s3.Options)) (*s3.DeleteBucketOutput, error) {
	bucket := aws.ToString(in.Bucket)
	if a.e.world(a.t).Get(bucketType, bucket) == nil {
		return nil, &s3types.NoSuchBucket{}
	}
	if n := a.count(bucket); n > 0 {
		return nil, &smithy.GenericAPIError{Code: "BucketNotEmpty", Message: fmt.Sprintf("The bucket you tried to delete is not empty. You must delete all versions in the bucket (%d left).", n)}
	}
	if err := a.account.Delete(bucketType, bucket); err != nil {
		return nil, err
	}
	a.e.edit(a.t, func(w *fakeaws.World) error {
		for _, typ := range bucketSettings {
			if o := w.Get(typ, bucket); o != nil {
				delete(w.Resources, typ+" "+bucket)
			}
		}
		return nil
	})
	return &s3.DeleteBucketOutput{}, nil
}

// GetParameter finds a parameter (its value is not handed out here).
func (a *accountStores) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	if aws.ToBool(in.WithDecryption) {
		return nil, fmt.Errorf("stand-in: a purge has no reason to decrypt the keys")
	}
	if a.e.world(a.t).Find(parameterType, aws.ToString(in.Name)) == nil {
		return nil, &ssmtypes.ParameterNotFound{}
	}
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Type: ssmtypes.ParameterTypeSecureString}}, nil
}

// DeleteParameter deletes a parameter.
func (a *accountStores) DeleteParameter(_ context.Context, in *ssm.DeleteParameterInput, _ ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error) {
	o := a.e.world(a.t).Find(parameterType, aws.ToString(in.Name))
	if o == nil {
		return nil, &ssmtypes.ParameterNotFound{}
	}
	if err := a.account.Delete(parameterType, o.ID); err != nil {
		return nil, err
	}
	return &ssm.DeleteParameterOutput{}, nil
}
