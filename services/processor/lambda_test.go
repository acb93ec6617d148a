package processor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/processor"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/testing/logfixture"
)

// objects is an in-memory bucket.
type objects map[string][]byte

func (o objects) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	data, ok := o[*in.Bucket+"/"+*in.Key]
	if !ok {
		return nil, errors.New("NoSuchKey: " + *in.Key)
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(data))}, nil
}

func event(bucket string, keys ...string) events.S3Event {
	var e events.S3Event
	for _, k := range keys {
		var r events.S3EventRecord
		r.S3.Bucket.Name = bucket
		r.S3.Object.Key = k
		e.Records = append(e.Records, r)
	}
	return e
}

func TestHandlerProcessesLogObjectsOnly(t *testing.T) {
	ctx := context.Background()
	store := env.Store(t)
	k := vapidKey(t)
	require.NoError(t, store.Register(ctx, k))
	var o logfixture.Object
	deliver(&o, k, "m1", base, 5, 60)
	var logs bytes.Buffer
	h := &processor.Handler{
		S3: objects{
			"b/logs/2026/11/29/17/push logs-1.gz": o.Gzip(),
			"b/" + processor.SettingsKey:          []byte(`{"redis_address":"x"}`),
		},
		Store: store, LogPrefix: "logs/", Log: slog.New(slog.NewJSONHandler(&logs, nil)),
	}
	// Event keys are URL-encoded: a space arrives as '+'.
	require.NoError(t, h.Handle(ctx, event("b", "logs/2026/11/29/17/push+logs-1.gz", processor.SettingsKey)))
	msgs, err := store.Messages(ctx, k)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.Contains(t, logs.String(), `"msg":"processed log object"`)
	assert.Contains(t, logs.String(), `"matched":1,"keys":1`)
	assert.Contains(t, logs.String(), `"msg":"ignored object outside the log prefix"`)

	err = h.Handle(ctx, event("b", "logs/missing.gz"))
	require.Error(t, err, "a failure goes back to Lambda for a retry")
	assert.Contains(t, err.Error(), "s3://b/logs/missing.gz")
}

func TestParseSettings(t *testing.T) {
	s, err := processor.ParseSettings([]byte(`{"redis_address":"r:6379","redis_tls":true,"table":"t","log_prefix":"logs/"}`))
	require.NoError(t, err)
	assert.Equal(t, processor.Settings{RedisAddress: "r:6379", RedisTLS: true, Table: "t", LogPrefix: "logs/"}, s)
	for body, problem := range map[string]string{
		`{"redis_address":"r:6379"}`: "missing",
		`{"redis_addr":"r"}`:         "unknown field",
		`not json`:                   "invalid character",
	} {
		_, err := processor.ParseSettings([]byte(body))
		require.Error(t, err, body)
		assert.True(t, strings.Contains(err.Error(), problem), "%s: %v", body, err)
		assert.Contains(t, err.Error(), processor.SettingsKey)
	}
}

// TestSummaryIsAnEmbeddedMetricFormatDocument: the summary line follows
// the CloudWatch embedded metric format specification: "_aws" with a
// millisecond Timestamp and CloudWatchMetrics naming a namespace, the
// dimension sets and the metrics, each of which is a root member (a
// string for a dimension, a number for a metric).
func TestSummaryIsAnEmbeddedMetricFormatDocument(t *testing.T) {
	ctx := context.Background()
	store := env.Store(t)
	var o logfixture.Object
	deliver(&o, vapidKey(t), "m1", base, 5, 60)
	o.Raw([]byte("\x1e[broken]\n"))
	var logs bytes.Buffer
	h := &processor.Handler{
		S3: objects{"b/logs/1.gz": o.Gzip()}, Store: store, LogPrefix: "logs/",
		Log: slog.New(slog.NewJSONHandler(&logs, nil)), FunctionName: "push-dev-push-processor",
		Now: func() time.Time { return time.UnixMilli(1_790_000_000_123) },
	}
	require.NoError(t, h.Handle(ctx, event("b", "logs/1.gz")))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(logs.Bytes(), &doc))

	aws, ok := doc["_aws"].(map[string]any)
	require.True(t, ok, "_aws member")
	assert.Equal(t, 1_790_000_000_123.0, aws["Timestamp"])
	directives := aws["CloudWatchMetrics"].([]any)
	require.Len(t, directives, 1)
	d := directives[0].(map[string]any)
	assert.Equal(t, processor.MetricsNamespace, d["Namespace"])
	for _, set := range d["Dimensions"].([]any) {
		for _, dim := range set.([]any) {
			assert.IsType(t, "", doc[dim.(string)], "dimension %s is a root string", dim)
		}
	}
	values := map[string]float64{}
	for _, m := range d["Metrics"].([]any) {
		name := m.(map[string]any)["Name"].(string)
		v, ok := doc[name].(float64)
		require.True(t, ok, "metric %s is a root number", name)
		values[name] = v
	}
	assert.Equal(t, map[string]float64{
		"Records": 3, "Readable": 2, "Deliveries": 1, "Unattributed": 0, "Unreadable": 0, "Malformed": 1, "MalformedPercent": 100.0 / 3,
	}, values)
	assert.Equal(t, "push-dev-push-processor", doc["FunctionName"])
}

// TestEachReadIsNotedForTheDashboard: an object read is noted, with the
// time the event says Firehose wrote it; a failed one is not.
func TestEachReadIsNotedForTheDashboard(t *testing.T) {
	ctx := context.Background()
	store := env.Store(t)
	var o logfixture.Object
	deliver(&o, vapidKey(t), "m1", base, 5, 60)
	now := time.Unix(1796108770, 0)
	h := &processor.Handler{S3: objects{"b/logs/a.gz": o.Gzip()}, Store: store, Pipeline: store, LogPrefix: "logs/",
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: func() time.Time { return now }}
	written := event("b", "logs/a.gz")
	written.Records[0].EventTime = time.Unix(1796108709, 0)
	require.NoError(t, h.Handle(ctx, written))
	read, ok, err := store.LastRead(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, pushmessages.Read{At: now, Written: time.Unix(1796108709, 0)}, read)

	now = now.Add(time.Minute)
	require.Error(t, h.Handle(ctx, event("b", "logs/missing.gz")))
	again, _, err := store.LastRead(ctx)
	require.NoError(t, err)
	assert.Equal(t, read, again, "a failed read is not noted")
}
