package messagesapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/messagesapi"
	"github.com/push-turnkey/push-turnkey/testing/fakecloudwatch"
)

// clock is a clock a test moves.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// TestAlarmsReportEachNamedAlarm: each named alarm in the order named,
// format-drift first, with CloudWatch's state, since when, why and what
// it watches; a named alarm CloudWatch lacks is MISSING; an alarm not
// named is not reported.
func TestAlarmsReportEachNamedAlarm(t *testing.T) {
	cw := &fakecloudwatch.Alarms{}
	cw.Put("p-processor-malformed-records", "ALARM", "Most records are malformed", 1796108000)
	cw.Put("p-processor-unreadable-deliveries", "OK", "Unreadable deliveries", 1796100000)
	cw.Put("p-processor-errors", "INSUFFICIENT_DATA", "The processor fails", 1796000000)
	cw.Put("other-team-alarm", "ALARM", "not ours", 1796000000)
	alarms := &messagesapi.Alarms{CloudWatch: cw,
		FormatDrift: []string{"p-processor-malformed-records", "p-processor-unreadable-deliveries"},
		Pipeline:    []string{"p-processor-errors", "p-log-stream-silent"}}
	states, err := alarms.States(t.Context())
	require.NoError(t, err)
	require.Len(t, states, 4)
	assert.Equal(t, messagesapi.AlarmJSON{Name: "p-processor-malformed-records", Kind: "format-drift", State: "ALARM", Since: 1796108000,
		Reason: "Threshold Crossed: 1 datapoint was alarm", Description: "Most records are malformed"}, states[0])
	assert.Equal(t, []string{"format-drift", "format-drift", "pipeline", "pipeline"}, []string{states[0].Kind, states[1].Kind, states[2].Kind, states[3].Kind})
	assert.Equal(t, []string{"ALARM", "OK", "INSUFFICIENT_DATA", "MISSING"}, []string{states[0].State, states[1].State, states[2].State, states[3].State})
	assert.Equal(t, "p-log-stream-silent", states[3].Name)
	assert.Zero(t, states[3].Since)
}

// TestAlarmsAskCloudWatchAtMostOnceAMinute: however many pages poll, one
// DescribeAlarms call a minute; a state that changed shows after it.
func TestAlarmsAskCloudWatchAtMostOnceAMinute(t *testing.T) {
	cw := &fakecloudwatch.Alarms{}
	cw.Put("p-processor-errors", "OK", "", 1796000000)
	c := &clock{now: time.Unix(1796108000, 0)}
	alarms := &messagesapi.Alarms{CloudWatch: cw, Pipeline: []string{"p-processor-errors"}, Now: c.Now}
	for range 5 {
		states, err := alarms.States(t.Context())
		require.NoError(t, err)
		assert.Equal(t, "OK", states[0].State)
		c.now = c.now.Add(10 * time.Second)
	}
	assert.Equal(t, 1, cw.Calls())
	cw.Put("p-processor-errors", "ALARM", "", 1796108050)
	c.now = c.now.Add(20 * time.Second)
	states, err := alarms.States(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "ALARM", states[0].State)
	assert.Equal(t, 2, cw.Calls())
}

// TestAlarmsFailureIsKeptAMinuteThenRetried: a refused call (no
// permission) is the answer for a minute, not a call per page; then
// CloudWatch is asked again.
func TestAlarmsFailureIsKeptAMinuteThenRetried(t *testing.T) {
	cw := &fakecloudwatch.Alarms{Fail: &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized"}}
	cw.Put("p-processor-errors", "OK", "", 1796000000)
	c := &clock{now: time.Unix(1796108000, 0)}
	alarms := &messagesapi.Alarms{CloudWatch: cw, Pipeline: []string{"p-processor-errors"}, Now: c.Now}
	for range 3 {
		_, err := alarms.States(t.Context())
		require.ErrorContains(t, err, "AccessDenied")
	}
	assert.Equal(t, 1, cw.Calls())
	cw.Fail = nil
	c.now = c.now.Add(time.Minute)
	states, err := alarms.States(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "OK", states[0].State)
}

// TestAlarmsCallerHangingUpFailsNoOne: the page that asked first and left
// does not make the answer every other page waits for a failure.
func TestAlarmsCallerHangingUpFailsNoOne(t *testing.T) {
	cw := &fakecloudwatch.Alarms{}
	cw.Put("p-processor-errors", "OK", "", 1796000000)
	alarms := &messagesapi.Alarms{CloudWatch: cw, Pipeline: []string{"p-processor-errors"}}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	states, err := alarms.States(ctx)
	require.NoError(t, err)
	assert.Equal(t, "OK", states[0].State)
}

// TestAlarmsRefuseMoreNamesThanOneCallTakes: 101 names are refused before
// any call (DescribeAlarms takes at most 100).
func TestAlarmsRefuseMoreNamesThanOneCallTakes(t *testing.T) {
	cw := &fakecloudwatch.Alarms{}
	names := make([]string, 101)
	for i := range names {
		names[i] = fmt.Sprintf("alarm-%d", i)
	}
	_, err := (&messagesapi.Alarms{CloudWatch: cw, Pipeline: names}).States(t.Context())
	require.ErrorIs(t, err, messagesapi.ErrTooManyAlarms)
	assert.Zero(t, cw.Calls())
}

// TestPipelineReportsTheAlarms: GET /pipeline carries each alarm's state;
// when CloudWatch refuses, it says so in words and the read times still
// come.
func TestPipelineReportsTheAlarms(t *testing.T) {
	store := env.Store(t)
	cw := &fakecloudwatch.Alarms{}
	cw.Put("p-processor-unreadable-deliveries", "ALARM", "Unreadable deliveries", 1796108000)
	api := messagesapi.New(store, messagesapi.Version{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	api.Alarms = &messagesapi.Alarms{CloudWatch: cw, FormatDrift: []string{"p-processor-unreadable-deliveries"}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	resp, body := do(t, "GET", srv.URL+"/pipeline", "")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, map[string]interface{}{"alarms": []interface{}{map[string]interface{}{
		"name": "p-processor-unreadable-deliveries", "kind": "format-drift", "state": "ALARM", "since": 1796108000.0,
		"reason": "Threshold Crossed: 1 datapoint was alarm", "description": "Unreadable deliveries"}}}, body)

	cw.Fail = &smithy.GenericAPIError{Code: "AccessDenied", Message: "User is not authorized"}
	refused := messagesapi.New(store, messagesapi.Version{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	refused.Alarms = &messagesapi.Alarms{CloudWatch: cw, FormatDrift: []string{"p-processor-unreadable-deliveries"}}
	srv2 := httptest.NewServer(refused)
	defer srv2.Close()
	resp, body = do(t, "GET", srv2.URL+"/pipeline", "")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "the Messages API could not read the alarms' states from CloudWatch; its log says why", body["alarms-error"])
	assert.NotContains(t, body, "alarms")
}
