package components_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/components"
	"github.com/push-turnkey/push-turnkey/testing/fakeasg"
)

// refused answers every call as IAM refuses it.
type refused struct{ components.InstanceRefreshes }

func (refused) DescribeInstanceRefreshes(context.Context, *autoscaling.DescribeInstanceRefreshesInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error) {
	return nil, errors.New("api error AccessDenied: User is not authorized to perform: autoscaling:DescribeInstanceRefreshes")
}

// TestRefreshWaitEndsAsTheRefreshDoes: Successful is nil; any other end
// names its status and reason; one still under way at the deadline is
// cancelled; a group without refreshes has nothing to wait for; a
// refused look-up is ErrCannotWatch.
func TestRefreshWaitEndsAsTheRefreshDoes(t *testing.T) {
	svc := fakeasg.New()
	w := components.RefreshWait{API: svc, Poll: time.Millisecond, Timeout: 200 * time.Millisecond}
	ctx := context.Background()
	for _, g := range []string{"ok", "failed", "stuck", "none"} {
		svc.AddGroup(g)
	}
	svc.Start("ok", "")
	assert.NoError(t, w.Wait(ctx, "ok"))

	svc.Start("failed", "new instances failed their health checks", types.InstanceRefreshStatusInProgress, types.InstanceRefreshStatusFailed)
	assert.ErrorContains(t, w.Wait(ctx, "failed"), "of failed ended Failed: new instances failed their health checks")

	id := svc.Start("stuck", "waiting for healthy instances", types.InstanceRefreshStatusInProgress)
	err := w.Wait(ctx, "stuck")
	assert.ErrorContains(t, err, "was still InProgress after 200ms (waiting for healthy instances), so it was cancelled")
	assert.Equal(t, types.InstanceRefreshStatusCancelled, svc.Status("stuck", id))

	assert.NoError(t, w.Wait(ctx, "none"), "an update that started no refresh")

	err = components.RefreshWait{API: refused{}, Poll: time.Millisecond, Timeout: time.Second}.Wait(ctx, "ok")
	require.ErrorIs(t, err, components.ErrCannotWatch)
	assert.ErrorContains(t, err, "autoscaling:DescribeInstanceRefreshes")
}
