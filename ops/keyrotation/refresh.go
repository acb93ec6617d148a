package keyrotation

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
)

// RefreshAPI is the one Auto Scaling call a rotation makes;
// *autoscaling.Client (aws-sdk-go-v2) has it. DescribeInstanceRefreshes
// lists a group's instance refreshes of the last six weeks, up to
// MaxRecords (at most 100) a page, with NextToken for the next page (EC2
// Auto Scaling API Reference, DescribeInstanceRefreshes).
type RefreshAPI interface {
	DescribeInstanceRefreshes(ctx context.Context, in *autoscaling.DescribeInstanceRefreshesInput,
		optFns ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error)
}

// What an instance refresh's status means for a rotation (EC2 Auto Scaling
// API Reference, InstanceRefresh: Status). Pending, InProgress and Baking
// (the bake time after every instance is replaced) are still under way;
// Successful means every instance of the group was replaced from the
// group's launch template; every other status (Failed, Cancelling,
// Cancelled, RollbackInProgress, RollbackFailed, RollbackSuccessful, or
// one this code does not know) means some nodes may not run it.
var underWay = []types.InstanceRefreshStatus{
	types.InstanceRefreshStatusPending, types.InstanceRefreshStatusInProgress, types.InstanceRefreshStatusBaking,
}

func isUnderWay(s types.InstanceRefreshStatus) bool { return slices.Contains(underWay, s) }

// Groups are the stack's two Auto Scaling groups, by role ("connection",
// "endpoint"), from its outputs connectionGroupName and endpointGroupName.
type Groups map[string]string

func (g Groups) names() []string {
	var names []string
	for _, role := range []string{"connection", "endpoint"} {
		names = append(names, g[role])
	}
	return names
}

// waiter watches the groups' instance refreshes.
type waiter struct {
	api     RefreshAPI
	out     io.Writer
	poll    time.Duration
	timeout time.Duration
	// wait sleeps between polls (time.After in a real run).
	wait func(context.Context, time.Duration) error
}

// refreshes returns every instance refresh of group the API lists, all
// pages.
func (w *waiter) refreshes(ctx context.Context, group string) ([]types.InstanceRefresh, error) {
	var all []types.InstanceRefresh
	var token *string
	for {
		out, err := w.api.DescribeInstanceRefreshes(ctx, &autoscaling.DescribeInstanceRefreshesInput{
			AutoScalingGroupName: aws.String(group), MaxRecords: aws.Int32(100), NextToken: token,
		})
		if err != nil {
			return nil, fmt.Errorf("describe instance refreshes of %s: %w", group, err)
		}
		all = append(all, out.InstanceRefreshes...)
		if out.NextToken == nil || *out.NextToken == "" {
			return all, nil
		}
		token = out.NextToken
	}
}

// settled refuses groups with an instance refresh under way, or whose
// latest one did not end Successful: their nodes may not all run the
// launch template with the stack's current key list, so no key may be
// made current or dropped yet.
func (w *waiter) settled(ctx context.Context, groups Groups) error {
	for _, group := range groups.names() {
		list, err := w.refreshes(ctx, group)
		if err != nil {
			return err
		}
		for _, r := range list {
			if isUnderWay(r.Status) {
				return fmt.Errorf("group %s has an instance refresh under way (%s, %s): wait until it ends (%s), then run this again",
					group, aws.ToString(r.InstanceRefreshId), r.Status, describeCommand(group))
			}
		}
		if latest := newest(list); latest != nil && latest.Status != types.InstanceRefreshStatusSuccessful {
			return fmt.Errorf("the last instance refresh of group %s (%s) ended %s%s: some of its nodes may not run the stack's current keys. "+
				"Find the cause (%s), then replace its nodes (aws autoscaling start-instance-refresh --auto-scaling-group-name %s) and run this again once that refresh is Successful",
				group, aws.ToString(latest.InstanceRefreshId), latest.Status, reason(*latest), describeCommand(group), group)
		}
	}
	return nil
}

// newest is the refresh that started last (one not started yet counts as
// the newest).
func newest(list []types.InstanceRefresh) *types.InstanceRefresh {
	var latest *types.InstanceRefresh
	for i := range list {
		r := &list[i]
		if latest == nil || r.StartTime == nil ||
			(latest.StartTime != nil && r.StartTime.After(*latest.StartTime)) {
			latest = r
		}
	}
	return latest
}

// seen are the IDs of each group's refreshes before a `pulumi up`.
type seen map[string][]string

func (w *waiter) snapshot(ctx context.Context, groups Groups) (seen, error) {
	s := seen{}
	for _, group := range groups.names() {
		list, err := w.refreshes(ctx, group)
		if err != nil {
			return nil, err
		}
		s[group] = []string{}
		for _, r := range list {
			s[group] = append(s[group], aws.ToString(r.InstanceRefreshId))
		}
	}
	return s, nil
}

// missingPolls is how many polls after `pulumi up` a group may show no new
// instance refresh before the wait gives up: the provider starts it
// during the update (StartInstanceRefresh), so it is there at once but
// for the API's eventual consistency.
const missingPolls = 3

// untilReplaced waits until the instance refreshes that the `pulumi up`
// after before started have replaced every node of both groups: each
// group has at least one refresh not in before, and every such refresh
// ended Successful. It fails at once when one ends otherwise (naming the
// group, the status and its reason), when a group shows no new refresh
// (its nodes would keep the keys they booted with), and after timeout.
func (w *waiter) untilReplaced(ctx context.Context, groups Groups, before seen) error {
	deadline := time.Now().Add(w.timeout)
	last := map[string]string{}
	for poll := 1; ; poll++ {
		done := true
		for _, group := range groups.names() {
			list, err := w.refreshes(ctx, group)
			if err != nil {
				return err
			}
			fresh := 0
			for _, r := range list {
				id := aws.ToString(r.InstanceRefreshId)
				if slices.Contains(before[group], id) {
					continue
				}
				fresh++
				w.report(last, group, r)
				switch {
				case r.Status == types.InstanceRefreshStatusSuccessful:
				case isUnderWay(r.Status):
					done = false
				default:
					return fmt.Errorf("the instance refresh %s of group %s is %s%s: not every node runs the new key list. Find the cause (%s); the stack's config and key parameter hold the new list, so run this command's step again only once that is fixed",
						id, group, r.Status, reason(r), describeCommand(group))
				}
			}
			if fresh == 0 {
				if poll >= missingPolls {
					return fmt.Errorf("pulumi up started no instance refresh of group %s (%d polls): its nodes keep the keys they booted with. Check its launch template and %s",
						group, poll, describeCommand(group))
				}
				done = false
			}
		}
		if done {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the instance refreshes of %s did not end within %s: watch them (%s) and run this again once they are Successful",
				strings.Join(groups.names(), " and "), w.timeout, describeCommand(groups.names()[0]))
		}
		if err := w.wait(ctx, w.poll); err != nil {
			return err
		}
	}
}

// report prints a refresh's status when it changed since the last poll.
func (w *waiter) report(last map[string]string, group string, r types.InstanceRefresh) {
	line := fmt.Sprintf("%s: instance refresh %s %s", group, aws.ToString(r.InstanceRefreshId), r.Status)
	if r.PercentageComplete != nil {
		line += fmt.Sprintf(" (%d %%)", *r.PercentageComplete)
	}
	key := group + " " + aws.ToString(r.InstanceRefreshId)
	if last[key] != line {
		fmt.Fprintln(w.out, line)
		last[key] = line
	}
}

func reason(r types.InstanceRefresh) string {
	if r.StatusReason == nil || *r.StatusReason == "" {
		return ""
	}
	return " (" + *r.StatusReason + ")"
}

func describeCommand(group string) string {
	return "aws autoscaling describe-instance-refreshes --auto-scaling-group-name " + group
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
