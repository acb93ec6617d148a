package enginetest

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/smithy-go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
	"github.com/push-turnkey/push-turnkey/testing/fakeasg"
)

// accountRefreshes answers DescribeInstanceRefreshes for the Auto Scaling
// groups of the fake account (testing/fakeasg: the call as strict as its
// API reference, time moving one status per call), and models what the
// rotation must keep true: which keys each group's nodes hold.
//
// The provider starts an instance refresh whenever a group's launch
// template changes (pulumi-aws, autoscaling.Group, instanceRefresh: "a
// refresh will always be triggered by a change in any of
// launchConfiguration, launchTemplate, or mixedInstancesPolicy"), which
// in AWS comes as a new template version. This stand-in watches the
// template's user data (the image and the key list's fingerprint are in
// it): when it differs from what the group's nodes run, a refresh starts.
//
// With the key parameter's name set, it also keeps the keys: nodes read
// the key parameter when they boot: those a refresh starts
// boot once it is InProgress and hold the parameter's keys of that
// moment; once it is Successful every node of the group holds them. At
// every call it checks that every node accepts the parameter's current
// key (the one new endpoints are issued with, by any node booting now):
// a violation is a node refusing an endpoint another node handed out.
type accountRefreshes struct {
	t         *testing.T
	e         *engine
	parameter string // the key parameter's name
	svc       *fakeasg.Service

	mu         sync.Mutex
	running    map[string]string   // group -> user data its nodes were launched from
	nodeKeys   map[string][]string // group -> the keys its nodes hold
	target     map[string]string   // refresh ID -> user data it launches
	booted     map[string][]string // refresh ID -> the keys its nodes read
	next       map[string]outcome  // group -> how its next refresh goes
	started    map[string]int      // group -> refreshes of the provider's it started
	violations []string
}

// outcome is how a refresh goes: its statuses after Pending, and the
// reason it gives when it ends otherwise than Successful.
type outcome struct {
	reason string
	path   []types.InstanceRefreshStatus
}

func newAccountRefreshes(t *testing.T, e *engine, prefix string) *accountRefreshes {
	parameter := ""
	if prefix != "" {
		parameter = "/push-turnkey/" + prefix + "/crypto-key"
	}
	return &accountRefreshes{t: t, e: e, parameter: parameter, svc: fakeasg.New(),
		running: map[string]string{}, nodeKeys: map[string][]string{}, target: map[string]string{},
		booted: map[string][]string{}, next: map[string]outcome{}, started: map[string]int{}}
}

// refreshHolder is the EC2 Auto Scaling API the program's groups'
// after-update hooks watch refreshes with: an accountRefreshes that a
// test may swap for its own (use), so the program and the test's command
// see the same refreshes.
type refreshHolder struct {
	mu      sync.Mutex
	api     *accountRefreshes
	blinded bool // every call refused, as IAM refuses a user without the action
}

// blind makes every call of the program's hooks refused (true) or
// answered again (false).
func (h *refreshHolder) blind(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.blinded = on
}

func (h *refreshHolder) use(a *accountRefreshes) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.api = a
}

func (h *refreshHolder) current() *accountRefreshes {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.api
}

// DescribeInstanceRefreshes asks the current stand-in.
func (h *refreshHolder) DescribeInstanceRefreshes(ctx context.Context, in *autoscaling.DescribeInstanceRefreshesInput,
	opts ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error) {
	h.mu.Lock()
	blinded := h.blinded
	h.mu.Unlock()
	if blinded {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "User is not authorized to perform: autoscaling:DescribeInstanceRefreshes"}
	}
	return h.current().DescribeInstanceRefreshes(ctx, in, opts...)
}

// CancelInstanceRefresh asks the current stand-in.
func (h *refreshHolder) CancelInstanceRefresh(ctx context.Context, in *autoscaling.CancelInstanceRefreshInput,
	opts ...func(*autoscaling.Options)) (*autoscaling.CancelInstanceRefreshOutput, error) {
	return h.current().CancelInstanceRefresh(ctx, in, opts...)
}

// DescribeInstanceRefreshes starts the refresh a changed launch template
// calls for, answers from the stand-in, and updates and checks the
// nodes' keys.
func (a *accountRefreshes) DescribeInstanceRefreshes(ctx context.Context, in *autoscaling.DescribeInstanceRefreshesInput,
	opts ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	w := a.e.world(a.t)
	group := aws.ToString(in.AutoScalingGroupName)
	first := in.NextToken == nil
	if first {
		a.launch(w, group)
	}
	out, err := a.svc.DescribeInstanceRefreshes(ctx, in, opts...)
	if err != nil || !first {
		return out, err
	}
	if a.parameter == "" {
		return out, nil
	}
	keys := a.parameterKeys(w)
	for _, r := range out.InstanceRefreshes {
		id := aws.ToString(r.InstanceRefreshId)
		switch r.Status {
		case types.InstanceRefreshStatusInProgress:
			if _, ok := a.booted[id]; !ok {
				a.booted[id] = keys
			}
		case types.InstanceRefreshStatusSuccessful:
			if target, ok := a.target[id]; ok {
				a.running[group], a.nodeKeys[group] = target, a.booted[id]
				delete(a.target, id)
			}
		}
	}
	for g, held := range a.nodeKeys {
		if !slices.Contains(held, keys[0]) {
			a.violations = append(a.violations, fmt.Sprintf("call %d on %s: nodes of %s refuse the key new endpoints are issued with",
				a.svc.Calls[group], group, g))
		}
	}
	return out, nil
}

// launch adds a group the first time it is asked for (its nodes hold the
// parameter's keys of then), and starts each refresh the provider started
// since (fakeaws World.RefreshesStarted: one per update that changed the
// group's launch template), its nodes launched from the template as it
// is now.
func (a *accountRefreshes) launch(w *fakeaws.World, group string) {
	userData, ok := a.userData(w, group)
	if !ok {
		return // no such group: the stand-in refuses it
	}
	if !a.svc.HasGroup(group) {
		a.svc.AddGroup(group)
		a.running[group] = userData
		if a.parameter != "" {
			a.nodeKeys[group] = a.parameterKeys(w)
		}
	}
	for a.started[group] < w.RefreshesStarted[group] {
		a.started[group]++
		o := a.next[group]
		delete(a.next, group)
		a.target[a.svc.Start(group, o.reason, o.path...)] = userData
	}
}

// CancelInstanceRefresh cancels the group's refresh under way.
func (a *accountRefreshes) CancelInstanceRefresh(ctx context.Context, in *autoscaling.CancelInstanceRefreshInput,
	opts ...func(*autoscaling.Options)) (*autoscaling.CancelInstanceRefreshOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.svc.CancelInstanceRefresh(ctx, in, opts...)
}

// replaceAll starts a refresh of group that replaces every node from its
// launch template as it is, as an operator does after fixing a failed
// one (aws autoscaling start-instance-refresh).
func (a *accountRefreshes) replaceAll(group string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	userData, ok := a.userData(a.e.world(a.t), group)
	require.True(a.t, ok, "group %s", group)
	a.target[a.svc.Start(group, "")] = userData
}

// failNext makes the next refresh of group go through path and end with
// reason.
func (a *accountRefreshes) failNext(group, reason string, path ...types.InstanceRefreshStatus) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.next[group] = outcome{reason: reason, path: path}
}

// problems returns the violations seen so far.
func (a *accountRefreshes) problems() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.violations)
}

// userData is the user data of group's launch template in w.
func (a *accountRefreshes) userData(w *fakeaws.World, group string) (string, bool) {
	g := w.Find("aws:autoscaling/group:Group", group)
	if g == nil {
		return "", false
	}
	ins, err := fakeaws.Props(g.Inputs)
	require.NoError(a.t, err)
	lt := plain(ins["launchTemplate"])
	require.True(a.t, lt.IsObject(), "group %s has a launch template", group)
	template := w.Get("aws:ec2/launchTemplate:LaunchTemplate", plain(lt.ObjectValue()["id"]).StringValue())
	require.NotNil(a.t, template, "the launch template of %s", group)
	tins, err := fakeaws.Props(template.Inputs)
	require.NoError(a.t, err)
	data, err := base64.StdEncoding.DecodeString(plain(tins["userData"]).StringValue())
	require.NoError(a.t, err)
	return string(data), true
}

// parameterKeys are the keys the key parameter holds, current first.
func (a *accountRefreshes) parameterKeys(w *fakeaws.World) []string {
	p := w.Find("aws:ssm/parameter:Parameter", a.parameter)
	require.NotNil(a.t, p, "parameter %s", a.parameter)
	ins, err := fakeaws.Props(p.Inputs)
	require.NoError(a.t, err)
	return strings.Split(plain(ins["value"]).StringValue(), ",")
}

// plain is v without its secret wrapping.
func plain(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}
