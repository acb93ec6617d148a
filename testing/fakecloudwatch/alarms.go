// Package fakecloudwatch stands in for the one CloudWatch call the Messages
// API makes, DescribeAlarms, where no CloudWatch can run: as small as that
// call and as strict as its reference
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html):
// at most 100 AlarmNames of 1 to 255 characters; AlarmNamePrefix (1 to 255)
// not with AlarmNames; MaxRecords 1 to 100; AlarmTypes of MetricAlarm and
// CompositeAlarm, and without it only metric alarms; a NextToken it did
// not hand out is an InvalidNextToken. Names it does not hold are left
// out of the answer, not an error.
//
// Permissions: with Allowed set, asking for a name outside it is an
// AccessDenied for the whole call. DescribeAlarms may be scoped to alarm
// ARNs (Service Authorization Reference, Amazon CloudWatch; the
// CloudWatch User Guide's shared-dashboard policy does so), but no page
// says whether AWS then refuses the call or leaves the alarm out: the
// refusal is this stand-in's assumption, the stricter of the two.
package fakecloudwatch

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
)

// DefaultMaxRecords is the page size when MaxRecords is not given (the
// reference gives none; 50 here, so that 100 names take two pages).
const DefaultMaxRecords = 50

// Alarms holds metric alarms by name. Safe for concurrent use.
type Alarms struct {
	mu     sync.Mutex
	alarms map[string]types.MetricAlarm
	// Allowed, when not nil, is the set of alarm names the caller may
	// describe.
	Allowed map[string]bool
	// Fail, when set, is what every call answers.
	Fail  error
	calls int
}

// Put adds or replaces an alarm in state, with description, since the
// state took effect at Unix second since.
func (a *Alarms) Put(name, state, description string, since int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.alarms == nil {
		a.alarms = map[string]types.MetricAlarm{}
	}
	a.alarms[name] = types.MetricAlarm{
		AlarmName: aws.String(name), StateValue: types.StateValue(state), AlarmDescription: aws.String(description),
		StateReason:           aws.String("Threshold Crossed: 1 datapoint was " + strings.ToLower(state)),
		StateUpdatedTimestamp: aws.Time(time.Unix(since, 0)),
	}
}

// Calls is how many DescribeAlarms calls were made.
func (a *Alarms) Calls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls
}

// DescribeAlarms answers as CloudWatch would (see the package comment).
func (a *Alarms) DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls++
	// The SDK's request fails on an ended context before it is sent.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if a.Fail != nil {
		return nil, a.Fail
	}
	if err := check(in); err != nil {
		return nil, err
	}
	if a.Allowed != nil {
		for _, name := range in.AlarmNames {
			if !a.Allowed[name] {
				return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "User is not authorized to perform: cloudwatch:DescribeAlarms on resource: alarm:" + name}
			}
		}
	}
	metric := len(in.AlarmTypes) == 0 || slices.Contains(in.AlarmTypes, types.AlarmTypeMetricAlarm)
	var all []types.MetricAlarm
	for _, name := range slices.Sorted(maps.Keys(a.alarms)) {
		wanted := (len(in.AlarmNames) == 0 || slices.Contains(in.AlarmNames, name)) &&
			strings.HasPrefix(name, aws.ToString(in.AlarmNamePrefix))
		if metric && wanted {
			all = append(all, a.alarms[name])
		}
	}
	from := 0
	if t := aws.ToString(in.NextToken); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n <= 0 || n >= len(all) {
			return nil, &types.InvalidNextToken{Message: aws.String("The service returned an error: the next token is not valid")}
		}
		from = n
	}
	size := DefaultMaxRecords
	if in.MaxRecords != nil {
		size = int(*in.MaxRecords)
	}
	out := &cloudwatch.DescribeAlarmsOutput{MetricAlarms: all[from:min(from+size, len(all))]}
	if from+size < len(all) {
		out.NextToken = aws.String(strconv.Itoa(from + size))
	}
	return out, nil
}

func check(in *cloudwatch.DescribeAlarmsInput) error {
	bad := func(format string, args ...any) error {
		return &smithy.GenericAPIError{Code: "InvalidParameterValue", Message: fmt.Sprintf(format, args...)}
	}
	if len(in.AlarmNames) > 100 {
		return bad("AlarmNames: at most 100 members, got %d", len(in.AlarmNames))
	}
	for _, name := range in.AlarmNames {
		if len(name) < 1 || len(name) > 255 {
			return bad("AlarmNames: each 1 to 255 characters, got %q", name)
		}
	}
	if p := in.AlarmNamePrefix; p != nil {
		if len(in.AlarmNames) > 0 {
			return bad("AlarmNamePrefix cannot be given with AlarmNames")
		}
		if len(*p) < 1 || len(*p) > 255 {
			return bad("AlarmNamePrefix: 1 to 255 characters")
		}
	}
	if n := in.MaxRecords; n != nil && (*n < 1 || *n > 100) {
		return bad("MaxRecords: 1 to 100, got %d", *n)
	}
	for _, t := range in.AlarmTypes {
		if t != types.AlarmTypeMetricAlarm && t != types.AlarmTypeCompositeAlarm {
			return bad("AlarmTypes: MetricAlarm or CompositeAlarm, got %q", t)
		}
	}
	return nil
}
