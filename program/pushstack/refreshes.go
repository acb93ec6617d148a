package pushstack

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// sdkConfig is the AWS SDK's configuration for the program's hooks, made
// on first use (only an update of a group, or a new Messages API instance,
// calls AWS) from the environment's credentials with the stack's region
// and aws:profile. The provider's other settings (assumeRole, endpoints)
// are not followed: a refused call only stops the watch, with a warning
// (components.ErrCannotWatch, components.ErrCannotWatchAPI).
type sdkConfig struct {
	region, profile string

	once sync.Once
	cfg  aws.Config
	err  error
}

func (s *sdkConfig) load(ctx context.Context) (aws.Config, error) {
	s.once.Do(func() {
		opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(s.region)}
		if s.profile != "" {
			opts = append(opts, awsconfig.WithSharedConfigProfile(s.profile))
		}
		s.cfg, s.err = awsconfig.LoadDefaultConfig(ctx, opts...)
	})
	return s.cfg, s.err
}

// sdkRefreshes is the EC2 Auto Scaling API through the AWS SDK.
type sdkRefreshes struct{ *sdkConfig }

// DescribeInstanceRefreshes calls the API.
func (s sdkRefreshes) DescribeInstanceRefreshes(ctx context.Context, in *autoscaling.DescribeInstanceRefreshesInput, opts ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error) {
	cfg, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	return autoscaling.NewFromConfig(cfg).DescribeInstanceRefreshes(ctx, in, opts...)
}

// CancelInstanceRefresh calls the API.
func (s sdkRefreshes) CancelInstanceRefresh(ctx context.Context, in *autoscaling.CancelInstanceRefreshInput, opts ...func(*autoscaling.Options)) (*autoscaling.CancelInstanceRefreshOutput, error) {
	cfg, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	return autoscaling.NewFromConfig(cfg).CancelInstanceRefresh(ctx, in, opts...)
}

// sdkLogs is the CloudWatch Logs API through the AWS SDK.
type sdkLogs struct{ *sdkConfig }

// FilterLogEvents calls the API.
func (s sdkLogs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	cfg, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	return cloudwatchlogs.NewFromConfig(cfg).FilterLogEvents(ctx, in, opts...)
}
