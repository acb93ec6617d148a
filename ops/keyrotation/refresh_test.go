package keyrotation

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/fakeasg"
)

var groups = Groups{"connection": "push-connection-0a1b2c3", "endpoint": "push-endpoint-4d5e6f7"}

// newWaiter is a waiter on svc that counts its sleeps instead of sleeping.
func newWaiter(svc *fakeasg.Service, out io.Writer) (*waiter, *int) {
	sleeps := 0
	return &waiter{api: svc, out: out, poll: time.Second, timeout: time.Hour, wait: func(context.Context, time.Duration) error {
		sleeps++
		return nil
	}}, &sleeps
}

func newService() *fakeasg.Service {
	svc := fakeasg.New()
	for _, g := range groups {
		svc.AddGroup(g)
	}
	return svc
}

// TestWaitsUntilEveryNodeWasReplaced: the wait returns only once the
// refreshes started after the snapshot ended Successful, polling through
// Pending, InProgress and Baking; an older refresh that failed does not
// count, nor stop it.
func TestWaitsUntilEveryNodeWasReplaced(t *testing.T) {
	svc := newService()
	old := svc.Start(groups["connection"], "an old failure", types.InstanceRefreshStatusFailed)
	svc.DescribeInstanceRefreshes(context.Background(), describeInput(groups["connection"])) //nolint:errcheck // moves it to Failed
	require.Equal(t, types.InstanceRefreshStatusFailed, svc.Status(groups["connection"], old))

	var out strings.Builder
	w, sleeps := newWaiter(svc, &out)
	before, err := w.snapshot(context.Background(), groups)
	require.NoError(t, err)
	conn := svc.Start(groups["connection"], "", types.InstanceRefreshStatusInProgress, types.InstanceRefreshStatusBaking, types.InstanceRefreshStatusSuccessful)
	end := svc.Start(groups["endpoint"], "")
	require.NoError(t, w.untilReplaced(context.Background(), groups, before))
	assert.Equal(t, types.InstanceRefreshStatusSuccessful, svc.Status(groups["connection"], conn))
	assert.Equal(t, types.InstanceRefreshStatusSuccessful, svc.Status(groups["endpoint"], end))
	assert.Equal(t, 2, *sleeps, "three polls: Pending became InProgress, Baking, Successful")
	assert.Contains(t, out.String(), groups["connection"]+": instance refresh "+conn+" Baking")
}

// TestEndsOtherThanSuccessfulFail: every status after which some nodes
// may not run the new launch template stops the wait at once, naming the
// group, the status and its reason.
func TestEndsOtherThanSuccessfulFail(t *testing.T) {
	for _, status := range []types.InstanceRefreshStatus{
		types.InstanceRefreshStatusFailed, types.InstanceRefreshStatusCancelling, types.InstanceRefreshStatusCancelled,
		types.InstanceRefreshStatusRollbackInProgress, types.InstanceRefreshStatusRollbackFailed,
		types.InstanceRefreshStatusRollbackSuccessful, "SomeFutureStatus",
	} {
		t.Run(string(status), func(t *testing.T) {
			svc := newService()
			w, _ := newWaiter(svc, io.Discard)
			before, err := w.snapshot(context.Background(), groups)
			require.NoError(t, err)
			svc.Start(groups["connection"], "")
			svc.Start(groups["endpoint"], "Instances failed to launch", types.InstanceRefreshStatusInProgress, status)
			err = w.untilReplaced(context.Background(), groups, before)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "of group "+groups["endpoint"]+" is "+string(status)+" (Instances failed to launch)")
		})
	}
}

// TestNoRefreshAfterUpFails: a group that shows no new refresh after a
// few polls fails the wait: its nodes would keep the keys they booted
// with.
func TestNoRefreshAfterUpFails(t *testing.T) {
	svc := newService()
	w, sleeps := newWaiter(svc, io.Discard)
	before, err := w.snapshot(context.Background(), groups)
	require.NoError(t, err)
	svc.Start(groups["connection"], "")
	err = w.untilReplaced(context.Background(), groups, before)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pulumi up started no instance refresh of group "+groups["endpoint"])
	assert.Equal(t, missingPolls-1, *sleeps)
}

func TestWaitTimesOut(t *testing.T) {
	svc := newService()
	w, _ := newWaiter(svc, io.Discard)
	w.timeout = -time.Second
	before, err := w.snapshot(context.Background(), groups)
	require.NoError(t, err)
	for _, g := range groups {
		svc.Start(g, "")
	}
	assert.ErrorContains(t, w.untilReplaced(context.Background(), groups, before), "did not end within")
}

// TestManyRefreshesArePaged: with more refreshes than one page holds
// (at most 100), the new one is found on a later page.
func TestManyRefreshesArePaged(t *testing.T) {
	svc := newService()
	w, _ := newWaiter(svc, io.Discard)
	for range 150 {
		for _, g := range groups {
			svc.Start(g, "", types.InstanceRefreshStatusSuccessful)
		}
	}
	before, err := w.snapshot(context.Background(), groups)
	require.NoError(t, err)
	assert.Len(t, before[groups["connection"]], 150)
	for _, g := range groups {
		svc.Start(g, "")
	}
	require.NoError(t, w.untilReplaced(context.Background(), groups, before))
}

// TestSettled: a step may start only when no refresh is under way and
// each group's latest one (by start time) ended Successful, or there was
// none.
func TestSettled(t *testing.T) {
	svc := newService()
	w, _ := newWaiter(svc, io.Discard)
	require.NoError(t, w.settled(context.Background(), groups), "new groups, no refreshes")

	id := svc.Start(groups["endpoint"], "", types.InstanceRefreshStatusInProgress, types.InstanceRefreshStatusSuccessful)
	err := w.settled(context.Background(), groups)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "group "+groups["endpoint"]+" has an instance refresh under way ("+id)

	require.NoError(t, w.settled(context.Background(), groups), "now Successful")

	svc.Start(groups["connection"], "Instances failed to become healthy", types.InstanceRefreshStatusRollbackSuccessful)
	err = w.settled(context.Background(), groups)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ended RollbackSuccessful (Instances failed to become healthy)")

	svc.Start(groups["connection"], "", types.InstanceRefreshStatusSuccessful)
	require.NoError(t, w.settled(context.Background(), groups), "a later Successful refresh replaced every node again")
}

func describeInput(group string) *autoscaling.DescribeInstanceRefreshesInput {
	return &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(group)}
}
