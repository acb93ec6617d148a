package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kinesis"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Firehose delivery settings of the seed: flush every 5 MiB or 60 seconds,
// whichever comes first.
const (
	FirehoseBufferMiB     = 5
	FirehoseBufferSeconds = 60
	// LogObjectPrefix is where the delivery stream writes log objects in the
	// bucket; Firehose appends YYYY/MM/DD/HH/.
	LogObjectPrefix = "logs/"
)

// FirehoseLogging is the log tier: a retained, versioned, encrypted S3
// bucket and a Kinesis Data Firehose delivery stream that writes every
// server log record into it, GZIP-compressed.
type FirehoseLogging struct {
	pulumi.ResourceState

	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	BucketArn  pulumi.StringOutput `pulumi:"bucketArn"`
	StreamName pulumi.StringOutput `pulumi:"streamName"`
	StreamArn  pulumi.StringOutput `pulumi:"streamArn"`
}

// FirehoseLoggingArgs names the bucket and stream.
type FirehoseLoggingArgs struct {
	// BucketName is the log bucket (stackconfig.LogBucketName); a plain
	// string, it is also the import ID of the bucket and its settings.
	BucketName string
	// Adopt imports the bucket an earlier stack retained; its settings are
	// put again.
	Adopt bool
	// StreamName is the delivery stream, "<prefix>-push-logs".
	StreamName string
	// AccountID is the AWS account; the Firehose role trusts only deliveries
	// made on its behalf (sts:ExternalId).
	AccountID string
	// Logs are the settings of the delivery error log group.
	Logs LogSettings
}

// NewFirehoseLogging registers the log bucket (retained, with versioning,
// SSE-S3 encryption, all public access blocked, TLS-only policy and owner-
// enforced object ownership), the delivery stream with its error log group,
// and a role that can write only to that bucket and log group.
func NewFirehoseLogging(ctx *pulumi.Context, name string, args *FirehoseLoggingArgs, opts ...pulumi.ResourceOption) (*FirehoseLogging, error) {
	f := &FirehoseLogging{}
	if err := ctx.RegisterComponentResource(Project+":logging:FirehoseLogging", name, f, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(f)
	bucket, err := newLogBucket(ctx, name, args, parent)
	if err != nil {
		return nil, err
	}
	stream, err := newDeliveryStream(ctx, name, args, bucket, parent)
	if err != nil {
		return nil, err
	}
	f.BucketName, f.BucketArn = bucket.Bucket, bucket.Arn
	f.StreamName, f.StreamArn = stream.Name, stream.Arn
	return f, ctx.RegisterResourceOutputs(f, pulumi.Map{
		"bucketName": f.BucketName,
		"bucketArn":  f.BucketArn,
		"streamName": f.StreamName,
		"streamArn":  f.StreamArn,
	})
}

// newLogBucket registers the bucket and the settings that protect it. The
// bucket and its settings outlive the stack: a retained bucket must not
// lose its encryption or public access block. Only the bucket is imported:
// each setting is created over whatever the bucket has (S3's Put* calls
// replace the setting), so a setting missing from a retained bucket never
// blocks a take-over.
func newLogBucket(ctx *pulumi.Context, name string, args *FirehoseLoggingArgs, parent pulumi.ResourceOption) (*s3.BucketV2, error) {
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{Bucket: pulumi.String(args.BucketName)},
		retained([]pulumi.ResourceOption{parent}, args.Adopt, args.BucketName)...)
	if err != nil {
		return nil, fmt.Errorf("log bucket: %w", err)
	}
	onBucket := []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{bucket}), parent, pulumi.RetainOnDelete(true)}
	if _, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, onBucket...); err != nil {
		return nil, fmt.Errorf("log bucket public access block: %w", err)
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, onBucket...); err != nil {
		return nil, fmt.Errorf("log bucket ownership controls: %w", err)
	}
	if _, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, onBucket...); err != nil {
		return nil, fmt.Errorf("log bucket versioning: %w", err)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}},
	}, onBucket...); err != nil {
		return nil, fmt.Errorf("log bucket encryption: %w", err)
	}
	if _, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: bucket.Arn.ApplyT(func(arn string) string {
			return PolicyDocument(Statement{
				Sid:       "DenyInsecureTransport",
				Effect:    "Deny",
				Principal: map[string]string{"AWS": "*"},
				Action:    []string{"s3:*"},
				Resource:  []string{arn, arn + "/*"},
				Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
			})
		}).(pulumi.StringOutput),
	}, onBucket...); err != nil {
		return nil, fmt.Errorf("log bucket policy: %w", err)
	}
	return bucket, nil
}

// newDeliveryStream registers the delivery stream into bucket, its error
// log group and a role that can write only to that bucket and log group.
func newDeliveryStream(ctx *pulumi.Context, name string, args *FirehoseLoggingArgs, bucket *s3.BucketV2, parent pulumi.ResourceOption) (*kinesis.FirehoseDeliveryStream, error) {
	logGroupName := "/aws/kinesisfirehose/" + args.StreamName
	logGroup, err := newLogGroup(ctx, name, logGroupName, args.Logs, parent)
	if err != nil {
		return nil, fmt.Errorf("delivery: %w", err)
	}
	logStream, err := cloudwatch.NewLogStream(ctx, name, &cloudwatch.LogStreamArgs{
		LogGroupName: logGroup.Name,
		Name:         pulumi.String("S3Delivery"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("delivery log stream: %w", err)
	}

	policy := pulumi.All(bucket.Arn, logGroup.Arn).ApplyT(func(a []interface{}) string {
		bucketArn, groupArn := a[0].(string), a[1].(string)
		return PolicyDocument(
			Statement{
				Sid:    "WriteLogObjects",
				Effect: "Allow",
				Action: []string{
					"s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject",
					"s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject",
				},
				Resource: []string{bucketArn, bucketArn + "/*"},
			},
			Statement{
				Sid:      "ReportDeliveryErrors",
				Effect:   "Allow",
				Action:   []string{"logs:PutLogEvents"},
				Resource: []string{groupArn + ":log-stream:*"},
			},
		)
	}).(pulumi.StringOutput)
	role, rolePolicy, err := newServiceRole(ctx, name+"-delivery", "firehose.amazonaws.com", args.AccountID, policy, parent)
	if err != nil {
		return nil, err
	}

	stream, err := kinesis.NewFirehoseDeliveryStream(ctx, name, &kinesis.FirehoseDeliveryStreamArgs{
		Name:        pulumi.String(args.StreamName),
		Destination: pulumi.String("extended_s3"),
		ServerSideEncryption: &kinesis.FirehoseDeliveryStreamServerSideEncryptionArgs{
			Enabled: pulumi.Bool(true),
			KeyType: pulumi.String("AWS_OWNED_CMK"),
		},
		ExtendedS3Configuration: &kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationArgs{
			BucketArn:         bucket.Arn,
			RoleArn:           role.Arn,
			Prefix:            pulumi.String(LogObjectPrefix),
			ErrorOutputPrefix: pulumi.String("errors/"),
			BufferingSize:     pulumi.Int(FirehoseBufferMiB),
			BufferingInterval: pulumi.Int(FirehoseBufferSeconds),
			CompressionFormat: pulumi.String("GZIP"),
			CloudwatchLoggingOptions: &kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationCloudwatchLoggingOptionsArgs{
				Enabled:       pulumi.Bool(true),
				LogGroupName:  logGroup.Name,
				LogStreamName: logStream.Name,
			},
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{rolePolicy}))
	if err != nil {
		return nil, fmt.Errorf("delivery stream: %w", err)
	}
	return stream, nil
}
