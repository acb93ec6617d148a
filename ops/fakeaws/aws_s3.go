package fakeaws

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
)

// s3ARNs states the forms of S3's ARNs, which have neither region nor
// account.
var s3ARNs = serviceAuthorization("amazons3")

// bucketSetting is a bucket's setting (policy, public access block, ...):
// created by a Put* call that replaces the bucket's setting (S3 API
// reference: "creates or modifies"/"replaces"), so it never "already
// exists", and known by its bucket's name (its import ID on the registry
// page).
func bucketSetting(args, state sdkType, page string, replaceOnChanges ...string) resourceType {
	return resourceType{
		args: args, state: state, doc: registryPage(page),
		upsert:           true,
		replaceOnChanges: replaceOnChanges,
		make:             func(m *made) string { return m.str("bucket") },
	}
}

var s3Types = map[string]resourceType{
	"aws:s3/bucketV2:BucketV2": {
		args: s3.BucketV2Args{}, state: s3.BucketV2State{},
		doc:              registryPage("s3/bucketv2"),
		replaceOnChanges: []string{"bucket", "bucketPrefix", "objectLockEnabled"},
		physicalName:     "bucket",
		// pulumi-aws lower-cases it too, which is not modelled.
		autoName:          "bucket",
		autoNameMaxLength: 63,
		exists:            "BucketAlreadyOwnedByYou: Your previous request to create the named bucket succeeded and you already own it.",
		arn:               "arn:${Partition}:s3:::${BucketName}",
		arnDoc:            s3ARNs,
		make:              byName("BucketName"),
		refuseDelete:      refuseBucketWithObjects,
	},
	// Its ID is its bucket's name, as the provider sets it after
	// PutBucketNotificationConfiguration (import ID on the registry page):
	// cmd/recover finds a dead run's notification by it.
	"aws:s3/bucketNotification:BucketNotification": bucketSetting(s3.BucketNotificationArgs{}, s3.BucketNotificationState{},
		"s3/bucketnotification", "bucket"),
	"aws:s3/bucketObjectv2:BucketObjectv2": {
		args: s3.BucketObjectv2Args{}, state: s3.BucketObjectv2State{},
		doc: registryPage("s3/bucketobjectv2"),
		// key is unique only within its bucket and PutObject overwrites.
		// pulumi-aws defaults key to the logical name with no random
		// suffix, which autoName cannot express.
		replaceOnChanges: []string{"bucket", "key"},
		arn:              "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
		arnDoc:           s3ARNs,
		make: func(m *made) string {
			m.set("arn", m.arnOf("BucketName", m.str("bucket"), "ObjectName", m.str("key")))
			return m.generated("")
		},
	},
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSetting(
		s3.BucketOwnershipControlsArgs{}, s3.BucketOwnershipControlsState{}, "s3/bucketownershipcontrols", "bucket"),
	"aws:s3/bucketPolicy:BucketPolicy": bucketSetting(
		s3.BucketPolicyArgs{}, s3.BucketPolicyState{}, "s3/bucketpolicy", "bucket"),
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSetting(
		s3.BucketPublicAccessBlockArgs{}, s3.BucketPublicAccessBlockState{}, "s3/bucketpublicaccessblock", "bucket"),
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": bucketSetting(
		s3.BucketServerSideEncryptionConfigurationV2Args{}, s3.BucketServerSideEncryptionConfigurationV2State{},
		"s3/bucketserversideencryptionconfigurationv2", "bucket", "expectedBucketOwner"),
	"aws:s3/bucketVersioningV2:BucketVersioningV2": bucketSetting(
		s3.BucketVersioningV2Args{}, s3.BucketVersioningV2State{}, "s3/bucketversioningv2", "bucket", "expectedBucketOwner"),
}

// refuseBucketWithObjects: DeleteBucket fails on a bucket that holds
// objects (S3 API reference, DeleteBucket: BucketNotEmpty), unless
// forceDestroy makes the provider empty it first.
func refuseBucketWithObjects(w *World, o *Object) error {
	ins, err := Props(o.Inputs)
	if err != nil {
		return err
	}
	if force := unwrap(ins["forceDestroy"]); force.IsBool() && force.BoolValue() {
		return nil
	}
	for _, obj := range w.OfType("aws:s3/bucketObjectv2:BucketObjectv2") {
		objIns, err := Props(obj.Inputs)
		if err != nil {
			return err
		}
		if str(objIns, "bucket") == o.ID {
			return fmt.Errorf("deleting S3 Bucket (%s): BucketNotEmpty: The bucket you tried to delete is not empty", o.ID)
		}
	}
	return nil
}
