package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// LogKey is the KMS key every CloudWatch log group of the stack is
// encrypted with (CloudWatch Logs encrypts with a service key otherwise;
// a key of the stack's lets the account's key policies and CloudTrail
// govern who reads the logs).
type LogKey struct {
	pulumi.ResourceState

	Arn pulumi.StringOutput `pulumi:"arn"`
}

// LogKeyArgs scope the key policy to the stack's account and region.
type LogKeyArgs struct {
	// Partition ("aws"), Region, AccountID and DNSSuffix ("amazonaws.com")
	// name the CloudWatch Logs service principal and the log groups it
	// may use the key for.
	Partition, Region, AccountID, DNSSuffix string
}

// NewLogKey registers the key, with the policy CloudWatch Logs needs to
// use it for the account's log groups in the region
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
func NewLogKey(ctx *pulumi.Context, name string, args *LogKeyArgs, opts ...pulumi.ResourceOption) (*LogKey, error) {
	k := &LogKey{}
	if err := ctx.RegisterComponentResource(Project+":monitoring:LogKey", name, k, opts...); err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:          pulumi.String("push-turnkey CloudWatch log groups"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(7),
		Policy: pulumi.String(PolicyDocument(
			accountAdministersKey(args.Partition, args.AccountID),
			Statement{
				Sid:       "CloudWatchLogsEncrypts",
				Effect:    "Allow",
				Principal: map[string]string{"Service": fmt.Sprintf("logs.%s.%s", args.Region, args.DNSSuffix)},
				Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
				Resource:  []string{"*"},
				Condition: map[string]map[string]string{"ArnLike": {
					"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", args.Partition, args.Region, args.AccountID),
				}},
			},
		)),
	}, pulumi.Parent(k))
	if err != nil {
		return nil, fmt.Errorf("log key: %w", err)
	}
	k.Arn = key.Arn
	return k, ctx.RegisterResourceOutputs(k, pulumi.Map{"arn": k.Arn})
}

// accountAdministersKey is the key policy statement that lets the
// account's IAM policies govern a key, as the default key policy does.
func accountAdministersKey(partition, accountID string) Statement {
	return Statement{
		Sid:       "AccountAdministers",
		Effect:    "Allow",
		Principal: map[string]string{"AWS": fmt.Sprintf("arn:%s:iam::%s:root", partition, accountID)},
		Action:    []string{"kms:*"},
		Resource:  []string{"*"},
	}
}

// LogSettings are what every log group of the stack shares.
type LogSettings struct {
	// RetentionDays is a value CloudWatch Logs accepts (stackconfig checks).
	RetentionDays int
	// KeyArn is the LogKey's ARN.
	KeyArn pulumi.StringInput
}

// newLogGroup registers the log group groupName under the resource name
// name, encrypted and kept as s says.
func newLogGroup(ctx *pulumi.Context, name, groupName string, s LogSettings, opts ...pulumi.ResourceOption) (*cloudwatch.LogGroup, error) {
	g, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(groupName),
		RetentionInDays: pulumi.Int(s.RetentionDays),
		KmsKeyId:        s.KeyArn,
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("log group %s: %w", groupName, err)
	}
	return g, nil
}

// logWriterStatement lets a Docker awslogs driver write to the groups:
// it creates its stream and puts events, nothing else
// (https://docs.docker.com/engine/logging/drivers/awslogs/). The group
// ARNs are given bare; CreateLogStream acts on the group and PutLogEvents
// on its streams (Service Authorization Reference, CloudWatch Logs).
func logWriterStatement(groupArns ...string) Statement {
	var resources []string
	for _, arn := range groupArns {
		resources = append(resources, arn, arn+":log-stream:*")
	}
	return Statement{Sid: "ServerLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: resources}
}
