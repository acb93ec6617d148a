package pushstack

import (
	"context"
	"sync"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
)

// sdkRefreshes is the EC2 Auto Scaling API through the AWS SDK, made on
// first use (only an update of a group calls it) from the environment's
// credentials with the stack's region and aws:profile. The provider's
// other settings (assumeRole, endpoints) are not followed: a refused call
// only stops the watch, with a warning (components.ErrCannotWatch).
type sdkRefreshes struct {
	region, profile string

	once   sync.Once
	client *autoscaling.Client
	err    error
}

func (s *sdkRefreshes) api(ctx context.Context) (*autoscaling.Client, error) {
	s.once.Do(func() {
		opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(s.region)}
		if s.profile != "" {
			opts = append(opts, awsconfig.WithSharedConfigProfile(s.profile))
		}
		cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
		s.client, s.err = autoscaling.NewFromConfig(cfg), err
	})
	return s.client, s.err
}

// DescribeInstanceRefreshes calls the API.
func (s *sdkRefreshes) DescribeInstanceRefreshes(ctx context.Context, in *autoscaling.DescribeInstanceRefreshesInput, opts ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error) {
	c, err := s.api(ctx)
	if err != nil {
		return nil, err
	}
	return c.DescribeInstanceRefreshes(ctx, in, opts...)
}

// CancelInstanceRefresh calls the API.
func (s *sdkRefreshes) CancelInstanceRefresh(ctx context.Context, in *autoscaling.CancelInstanceRefreshInput, opts ...func(*autoscaling.Options)) (*autoscaling.CancelInstanceRefreshOutput, error) {
	c, err := s.api(ctx)
	if err != nil {
		return nil, err
	}
	return c.CancelInstanceRefresh(ctx, in, opts...)
}
