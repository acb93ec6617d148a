package deploypolicy

// s3Page is S3's page of the Service Authorization Reference. Its action
// names differ from the API's where the page says so (HeadBucket is
// s3:ListBucket, GetBucketEncryption s3:GetEncryptionConfiguration,
// DeletePublicAccessBlock s3:PutBucketPublicAccessBlock, ...).
var s3Page = sar("amazons3")

// bucket scopes to the bucket named by the input "bucket".
func bucket(t Target, s Subject) []string { return []string{t.s3(s.str("bucket"))} }

// bucketSetting is the entry of a bucket setting, made and removed by a
// Put call (the reference names the Delete* API calls of these settings
// s3:Put*), read by a Get call.
func bucketSetting(file, put, get string) Entry {
	return Entry{Reference: []string{s3Page}, Provider: providerSource("s3/" + file), Grants: []Grant{
		{Op: Create, Actions: []string{put}, On: bucket},
		{Op: Read, Actions: []string{get}, On: bucket},
		{Op: Delete, Actions: []string{put}, On: bucket},
	}}
}

var s3Entries = map[string]Entry{
	"aws:s3/bucketV2:BucketV2": {Reference: []string{s3Page}, Provider: providerSource("s3/bucket.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"s3:CreateBucket"}, On: bucket},
		// The read: HeadBucket, then every setting the resource reports
		// (acl, cors, website, versioning, acceleration, request payment,
		// logging, lifecycle, replication, encryption, object lock,
		// policy, tags).
		{Op: Read, Actions: []string{"s3:ListBucket", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite",
			"s3:GetBucketVersioning", "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging",
			"s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration",
			"s3:GetBucketObjectLockConfiguration", "s3:GetBucketPolicy"}, On: bucket},
		{Op: Tag, Actions: []string{"s3:GetBucketTagging", "s3:PutBucketTagging"}, On: bucket},
		{Op: Delete, Actions: []string{"s3:DeleteBucket"}, On: bucket},
	}},
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSetting("bucket_ownership_controls.go",
		"s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"),
	"aws:s3/bucketPolicy:BucketPolicy": {Reference: []string{s3Page}, Provider: providerSource("s3/bucket_policy.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"s3:PutBucketPolicy"}, On: bucket},
		{Op: Read, Actions: []string{"s3:GetBucketPolicy"}, On: bucket},
		{Op: Delete, Actions: []string{"s3:DeleteBucketPolicy"}, On: bucket},
	}},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSetting("bucket_public_access_block.go",
		"s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": bucketSetting(
		"bucket_server_side_encryption_configuration.go", "s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"),
	"aws:s3/bucketVersioningV2:BucketVersioningV2": bucketSetting("bucket_versioning.go",
		"s3:PutBucketVersioning", "s3:GetBucketVersioning"),
	"aws:s3/bucketNotification:BucketNotification": bucketSetting("bucket_notification.go",
		"s3:PutBucketNotification", "s3:GetBucketNotification"),
	"aws:s3/bucketObjectv2:BucketObjectv2": {Reference: []string{s3Page}, Provider: providerSource("s3/object.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"s3:PutObject"}, On: bucketObject},
		// HeadObject is s3:GetObject.
		{Op: Read, Actions: []string{"s3:GetObject"}, On: bucketObject},
		{Op: Tag, Actions: []string{"s3:GetObjectTagging", "s3:PutObjectTagging"}, On: bucketObject},
		// Deleting deletes every version of the key (the bucket is
		// versioned): ListObjectVersions, DeleteObject with a version.
		{Op: Delete, Actions: []string{"s3:ListBucketVersions"}, On: bucket},
		{Op: Delete, Actions: []string{"s3:DeleteObject", "s3:DeleteObjectVersion"}, On: bucketObject},
	}},
}
