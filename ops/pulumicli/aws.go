package pulumicli

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
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
