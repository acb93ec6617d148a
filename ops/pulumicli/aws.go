package pulumicli

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// AWSConfig is the AWS SDK configuration for the account and region a
// stack deploys to: the SDK's default chain (environment, shared config
// files, instance role), with the stack's aws:region and aws:profile when
// its config sets them, as its AWS provider uses them. region, when not
// "", overrides aws:region. Settings of the provider that the SDK does not
// read (assumeRole, endpoints) are not followed: run the commands with
// credentials for the account itself.
func AWSConfig(ctx context.Context, config map[string]ConfigValue, region string) (aws.Config, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if region == "" {
		region = config["aws:region"].Value
	} else if problem := stackconfig.RegionProblem(region); problem != "" {
		return aws.Config{}, fmt.Errorf("-region: %s", problem)
	}
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	if profile := config["aws:profile"].Value; profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(profile))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, fmt.Errorf("no AWS region: set aws:region in the stack (pulumi config set aws:region us-east-1) or AWS_REGION")
	}
	return cfg, nil
}

// Caller is who the AWS credentials are: the account and the partition
// (sts get-caller-identity).
type Caller struct{ Account, Partition string }

// Identity asks STS who the credentials of cfg are; an error says how to
// give credentials, as the SDK's own error (from its last source, the
// instance metadata service) does not.
func Identity(ctx context.Context, cfg aws.Config) (Caller, error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Caller{}, fmt.Errorf("read the account (sts get-caller-identity): %w; AWS credentials are needed: export AWS_PROFILE=<profile> (after aws sso login, if it uses SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", err)
	}
	a, err := arn.Parse(aws.ToString(out.Arn))
	if err != nil {
		return Caller{}, fmt.Errorf("read the partition of %s: %w", aws.ToString(out.Arn), err)
	}
	return Caller{Account: aws.ToString(out.Account), Partition: a.Partition}, nil
}
