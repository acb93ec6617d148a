package components

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
)

// InstanceRefreshes is what watching a group's instance refresh calls of
// the EC2 Auto Scaling API: aws-sdk-go-v2's autoscaling.Client, or a
// stand-in in tests.
type InstanceRefreshes interface {
	DescribeInstanceRefreshes(ctx context.Context, in *autoscaling.DescribeInstanceRefreshesInput, opts ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error)
	CancelInstanceRefresh(ctx context.Context, in *autoscaling.CancelInstanceRefreshInput, opts ...func(*autoscaling.Options)) (*autoscaling.CancelInstanceRefreshOutput, error)
}

// RefreshWait watches the instance refresh an update of a group started:
// the provider starts it and returns (terraform-provider-aws
// autoscaling/group.go; its docs: "This resource does not wait for the
// instance refresh to complete"), so `pulumi up` would end while new
// nodes that never get healthy are still being tried.
type RefreshWait struct {
	API InstanceRefreshes
	// Poll is the time between two looks; Timeout how long the refresh
	// may take before it is cancelled.
	Poll, Timeout time.Duration
}

// RefreshTimeout is how long a group's refresh may take: its nodes get
// the group's capacity wait (CapacityTimeout) and a warm-up.
const RefreshTimeout = 30 * time.Minute

// ErrCannotWatch is a refresh that could not be watched (the look-up was
// refused or failed): the up goes on, with a warning.
var ErrCannotWatch = errors.New("cannot watch the instance refresh")

// Wait returns once the group's newest instance refresh (the one the
// update just started) is Successful. One that ends any other way is an
// error naming its status and reason; one still under way after Timeout
// is cancelled (with MinHealthyPercentage 100 it has replaced no node
// whose replacement was not healthy) and is an error too. A failed
// look-up is ErrCannotWatch.
func (w RefreshWait) Wait(ctx context.Context, group string) error {
	deadline := time.Now().Add(w.Timeout)
	for {
		out, err := w.API.DescribeInstanceRefreshes(ctx, &autoscaling.DescribeInstanceRefreshesInput{
			AutoScalingGroupName: aws.String(group), MaxRecords: aws.Int32(1)})
		if err != nil {
			return fmt.Errorf("%w of %s: %v", ErrCannotWatch, group, err)
		}
		if len(out.InstanceRefreshes) == 0 {
			return nil // the update started none
		}
		r := out.InstanceRefreshes[0]
		switch r.Status {
		case types.InstanceRefreshStatusSuccessful:
			return nil
		case types.InstanceRefreshStatusPending, types.InstanceRefreshStatusInProgress, types.InstanceRefreshStatusBaking:
		default:
			return fmt.Errorf("the instance refresh %s of %s ended %s: %s", aws.ToString(r.InstanceRefreshId), group, r.Status, aws.ToString(r.StatusReason))
		}
		if time.Now().After(deadline) {
			_, err := w.API.CancelInstanceRefresh(ctx, &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String(group)})
			if err != nil {
				return fmt.Errorf("the instance refresh %s of %s was still %s after %s, and cancelling it failed (%v): cancel it: aws autoscaling cancel-instance-refresh --auto-scaling-group-name %s",
					aws.ToString(r.InstanceRefreshId), group, r.Status, w.Timeout, err, group)
			}
			return fmt.Errorf("the instance refresh %s of %s was still %s after %s (%s), so it was cancelled",
				aws.ToString(r.InstanceRefreshId), group, r.Status, w.Timeout, aws.ToString(r.StatusReason))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(w.Poll):
		}
	}
}
