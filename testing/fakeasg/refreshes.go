// Package fakeasg stands in for the one EC2 Auto Scaling call the key
// rotation makes, DescribeInstanceRefreshes, where no Auto Scaling service
// can run: as small as that call and as strict as its reference (EC2 Auto
// Scaling API Reference, DescribeInstanceRefreshes and InstanceRefresh):
// the group name is required (1 to 255 characters), MaxRecords is 1 to
// 100 (default 50), a page holds at most MaxRecords refreshes and a
// NextToken when more follow, a token it did not hand out is
// InvalidNextToken. Where the reference is silent it is stricter than the
// service may be: a group it does not know is a ValidationError.
//
// Time is modelled by calls: each DescribeInstanceRefreshes of a group
// moves each of its refreshes under way one status along the path it was
// started with (by default Pending, InProgress, Successful), so a caller
// that does not poll never sees a refresh end.
package fakeasg

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/smithy-go"
)

// Service is the stand-in: groups and their instance refreshes.
type Service struct {
	mu     sync.Mutex
	groups map[string][]*refresh // oldest first
	serial int
	tokens map[string]int // NextToken -> offset
	// Calls counts DescribeInstanceRefreshes calls per group.
	Calls map[string]int
}

// refresh is one instance refresh and the statuses it has still to go.
type refresh struct {
	types.InstanceRefresh
	path []types.InstanceRefreshStatus
}

// New returns a service without groups.
func New() *Service {
	return &Service{groups: map[string][]*refresh{}, tokens: map[string]int{}, Calls: map[string]int{}}
}

// AddGroup makes a group with no refreshes (one that exists does not
// change).
func (s *Service) AddGroup(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[name]; !ok {
		s.groups[name] = nil
	}
}

// HasGroup reports whether the group exists.
func (s *Service) HasGroup(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.groups[name]
	return ok
}

// Start starts an instance refresh of group, as StartInstanceRefresh does
// (the provider calls it when a group's launch template changes): it is
// Pending, then goes one status per DescribeInstanceRefreshes of the
// group along path (nil: InProgress, Successful); reason becomes its
// StatusReason once it ends otherwise than Successful. A refresh of the
// group still under way is Cancelled first, as the provider cancels it
// before starting another. It returns the refresh's ID.
func (s *Service) Start(group, reason string, path ...types.InstanceRefreshStatus) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path == nil {
		path = []types.InstanceRefreshStatus{types.InstanceRefreshStatusInProgress, types.InstanceRefreshStatusSuccessful}
	}
	for _, r := range s.groups[group] {
		if r.Status == types.InstanceRefreshStatusPending || r.Status == types.InstanceRefreshStatusInProgress {
			r.Status, r.path = types.InstanceRefreshStatusCancelled, nil
			r.EndTime = aws.Time(s.now())
		}
	}
	s.serial++
	id := fmt.Sprintf("%08d-0000-4000-8000-%012d", s.serial, s.serial)
	r := &refresh{InstanceRefresh: types.InstanceRefresh{
		InstanceRefreshId: aws.String(id), AutoScalingGroupName: aws.String(group),
		Status: types.InstanceRefreshStatusPending, StartTime: aws.Time(s.now()), PercentageComplete: aws.Int32(0),
	}, path: path}
	if reason != "" {
		r.StatusReason = aws.String(reason)
	}
	s.groups[group] = append(s.groups[group], r)
	return id
}

// now is a clock that moves one second per refresh started, so start
// times order refreshes as they were started.
func (s *Service) now() time.Time {
	return time.Date(2026, 1, 1, 0, 0, s.serial, 0, time.UTC)
}

// DescribeInstanceRefreshes lists the group's refreshes, newest first,
// after moving each one under way a status on.
func (s *Service) DescribeInstanceRefreshes(_ context.Context, in *autoscaling.DescribeInstanceRefreshesInput,
	_ ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := aws.ToString(in.AutoScalingGroupName)
	if name == "" || len(name) > 255 {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "1 validation error detected: Value at 'autoScalingGroupName' failed to satisfy constraint: Member must have length between 1 and 255"}
	}
	max := int32(50)
	if in.MaxRecords != nil {
		if *in.MaxRecords < 1 || *in.MaxRecords > 100 {
			return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "1 validation error detected: Value at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100"}
		}
		max = *in.MaxRecords
	}
	list, ok := s.groups[name]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "AutoScalingGroup name not found - " + name}
	}
	offset := 0
	if in.NextToken != nil {
		o, known := s.tokens[*in.NextToken]
		if !known {
			return nil, &types.InvalidNextToken{Message: aws.String("The token is invalid")}
		}
		offset = o
	} else {
		s.Calls[name]++
		for _, r := range list {
			r.advance(s.now())
		}
	}
	var out autoscaling.DescribeInstanceRefreshesOutput
	for i := len(list) - 1 - offset; i >= 0 && len(out.InstanceRefreshes) < int(max); i-- {
		out.InstanceRefreshes = append(out.InstanceRefreshes, list[i].InstanceRefresh)
	}
	if next := offset + len(out.InstanceRefreshes); next < len(list) {
		token := name + "/" + strconv.Itoa(next) + "/" + strconv.Itoa(s.serial)
		s.tokens[token] = next
		out.NextToken = aws.String(token)
	}
	return &out, nil
}

// advance moves a refresh under way one status along its path.
func (r *refresh) advance(now time.Time) {
	if len(r.path) == 0 {
		return
	}
	r.Status, r.path = r.path[0], r.path[1:]
	switch r.Status {
	case types.InstanceRefreshStatusInProgress:
		r.PercentageComplete = aws.Int32(50)
	case types.InstanceRefreshStatusSuccessful, types.InstanceRefreshStatusBaking:
		r.PercentageComplete = aws.Int32(100)
	}
	if len(r.path) == 0 {
		r.EndTime = aws.Time(now)
		if r.Status == types.InstanceRefreshStatusSuccessful {
			r.StatusReason = nil
		}
	}
}

// Status returns the status of the refresh id of group ("" if none), without
// moving time on.
func (s *Service) Status(group, id string) types.InstanceRefreshStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.groups[group] {
		if aws.ToString(r.InstanceRefreshId) == id {
			return r.Status
		}
	}
	return ""
}

// CancelInstanceRefresh cancels the group's refresh under way (Pending or
// InProgress): it is Cancelled at once (the reference's Cancelling is
// skipped). None under way is ActiveInstanceRefreshNotFound, as the
// reference says.
func (s *Service) CancelInstanceRefresh(_ context.Context, in *autoscaling.CancelInstanceRefreshInput,
	_ ...func(*autoscaling.Options)) (*autoscaling.CancelInstanceRefreshOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := aws.ToString(in.AutoScalingGroupName)
	for _, r := range s.groups[name] {
		if r.Status == types.InstanceRefreshStatusPending || r.Status == types.InstanceRefreshStatusInProgress {
			r.Status, r.path = types.InstanceRefreshStatusCancelled, nil
			r.EndTime = aws.Time(s.now())
			return &autoscaling.CancelInstanceRefreshOutput{InstanceRefreshId: r.InstanceRefreshId}, nil
		}
	}
	return nil, &types.ActiveInstanceRefreshNotFoundFault{Message: aws.String("No in progress or pending Instance Refresh found for Auto Scaling group " + name)}
}
