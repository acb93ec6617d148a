package messagesapi

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// DescribeAlarmsAPI is the one CloudWatch call the API makes
// (*cloudwatch.Client has it).
type DescribeAlarmsAPI interface {
	DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

// What an alarm watches (AlarmJSON.Kind).
const (
	// KindFormatDrift alarms fire when the servers' log records no longer
	// read as autopush 1.58.4 writes them.
	KindFormatDrift = "format-drift"
	// KindPipeline alarms fire when logs stop reaching the processor or it
	// fails.
	KindPipeline = "pipeline"
)

// StateMissing is the State of a named alarm CloudWatch does not have.
const StateMissing = "MISSING"

// AlarmJSON is one alarm's state in GET /pipeline. State is CloudWatch's
// StateValue (OK, ALARM, INSUFFICIENT_DATA) or StateMissing; Since is when
// it took that state (Unix seconds; 0 when missing).
type AlarmJSON struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	State       string `json:"state"`
	Since       int64  `json:"since"`
	Reason      string `json:"reason"`
	Description string `json:"description"`
}

// AlarmsCacheTTL is how long Alarms keeps an answer: however many pages are
// open, CloudWatch is asked at most once a minute (its alarms evaluate
// every 5 minutes or more).
const AlarmsCacheTTL = time.Minute

// alarmsCallTimeout bounds one DescribeAlarms call, whoever asked.
const alarmsCallTimeout = 5 * time.Second

// Alarms reads the states of the alarms named in FormatDrift and Pipeline
// (at most 100 names in all: DescribeAlarms's AlarmNames bound) from
// CloudWatch, and keeps the answer, or the failure, for AlarmsCacheTTL.
// Safe for concurrent use.
type Alarms struct {
	CloudWatch            DescribeAlarmsAPI
	FormatDrift, Pipeline []string
	// Now is the clock (nil: time.Now).
	Now func() time.Time

	mu     sync.Mutex
	at     time.Time
	states []AlarmJSON
	err    error
}

// ErrTooManyAlarms is returned when more than 100 alarms are named.
var ErrTooManyAlarms = errors.New("more than 100 alarms named: DescribeAlarms takes at most 100 names")

// States gives each named alarm's state, in the order named: format-drift
// alarms first.
func (a *Alarms) States(ctx context.Context) ([]AlarmJSON, error) {
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.at.IsZero() && now().Sub(a.at) < AlarmsCacheTTL {
		return a.states, a.err
	}
	// One caller hanging up must not fail the answer every page waits for.
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), alarmsCallTimeout)
	defer cancel()
	a.states, a.err = a.describe(callCtx)
	a.at = now()
	return a.states, a.err
}

func (a *Alarms) describe(ctx context.Context) ([]AlarmJSON, error) {
	names := append(slices.Clone(a.FormatDrift), a.Pipeline...)
	if len(names) > 100 {
		return nil, ErrTooManyAlarms
	}
	found := map[string]types.MetricAlarm{}
	// Only metric alarms are asked for: composite ones need the permission
	// on every alarm (DescribeAlarms, API Reference).
	pages := cloudwatch.NewDescribeAlarmsPaginator(a.CloudWatch, &cloudwatch.DescribeAlarmsInput{
		AlarmNames: names, AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm}, MaxRecords: new(int32(100)),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, alarm := range page.MetricAlarms {
			if alarm.AlarmName != nil {
				found[*alarm.AlarmName] = alarm
			}
		}
	}
	states := make([]AlarmJSON, 0, len(names))
	for i, name := range names {
		kind := KindPipeline
		if i < len(a.FormatDrift) {
			kind = KindFormatDrift
		}
		alarm, ok := found[name]
		if !ok {
			states = append(states, AlarmJSON{Name: name, Kind: kind, State: StateMissing})
			continue
		}
		s := AlarmJSON{Name: name, Kind: kind, State: string(alarm.StateValue), Reason: deref(alarm.StateReason), Description: deref(alarm.AlarmDescription)}
		if alarm.StateUpdatedTimestamp != nil {
			s.Since = alarm.StateUpdatedTimestamp.Unix()
		}
		states = append(states, s)
	}
	return states, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
