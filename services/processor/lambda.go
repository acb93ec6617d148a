package processor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/push-turnkey/push-turnkey/services/pushmessages"
)

// SettingsKey is the object in the log bucket that holds the processor's
// settings (the seed's processor_settings.json). It lies outside the log
// prefix, so the bucket notification never delivers it as a log object.
const SettingsKey = "processor_settings.json"

// Settings is the JSON of SettingsKey. No secret goes here: the Redis auth
// token reaches the function as an encrypted environment variable.
type Settings struct {
	RedisAddress string `json:"redis_address"` // "host:port"
	RedisTLS     bool   `json:"redis_tls"`
	Table        string `json:"table"`      // the push messages table
	LogPrefix    string `json:"log_prefix"` // e.g. "logs/"
}

// ParseSettings reads and checks the settings object.
func ParseSettings(data []byte) (Settings, error) {
	var s Settings
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("%s: %w", SettingsKey, err)
	}
	var missing []string
	for name, v := range map[string]string{"redis_address": s.RedisAddress, "table": s.Table, "log_prefix": s.LogPrefix} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return s, fmt.Errorf("%s: missing %s", SettingsKey, strings.Join(missing, ", "))
	}
	return s, nil
}

// ObjectGetter is the part of the S3 client the handler uses.
type ObjectGetter interface {
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Handler processes the log objects of an S3 object-created event.
type Handler struct {
	S3        ObjectGetter
	Store     Store
	LogPrefix string
	Log       *slog.Logger
	// FunctionName is the metrics' dimension (AWS_LAMBDA_FUNCTION_NAME).
	FunctionName string
	// Now is the clock of the metrics' timestamp (time.Now when nil).
	Now func() time.Time
	// Pipeline, when set, notes each object read for the dashboard's
	// "how the pipeline is doing" (pushmessages.Store.RecordRead).
	Pipeline PipelineRecorder
}

// PipelineRecorder notes the processor's last read of a log object.
type PipelineRecorder interface {
	RecordRead(ctx context.Context, r pushmessages.Read) error
}

// Handle processes every object of the event under LogPrefix, one after
// the other, and logs one summary line per object, which is also a
// CloudWatch embedded metric format document (see MetricAttrs). Objects outside the
// prefix (the settings object) are ignored. It returns the first failure,
// so Lambda retries the event and, at last, sends it to the on-failure
// destination: nothing is dropped silently.
func (h *Handler) Handle(ctx context.Context, event events.S3Event) error {
	var errs []error
	for _, rec := range event.Records {
		bucket := rec.S3.Bucket.Name
		key, err := url.QueryUnescape(rec.S3.Object.Key) // event keys are URL-encoded
		if err != nil {
			errs = append(errs, fmt.Errorf("object key %q: %w", rec.S3.Object.Key, err))
			continue
		}
		if !strings.HasPrefix(key, h.LogPrefix) {
			h.Log.Info("ignored object outside the log prefix", "bucket", bucket, "key", key)
			continue
		}
		sum, err := h.process(ctx, bucket, key)
		now := time.Now
		if h.Now != nil {
			now = h.Now
		}
		attrs := append([]any{"bucket", bucket, "key", key, "matched", sum.Matched, "keys", sum.Keys,
			"reasons", sum.Reasons, "ok", err == nil}, MetricAttrs(h.FunctionName, sum, now())...)
		h.Log.Info("processed log object", attrs...)
		if err != nil {
			errs = append(errs, fmt.Errorf("s3://%s/%s: %w", bucket, key, err))
			continue
		}
		if h.Pipeline != nil {
			// Only a note for the dashboard: its failure fails no object.
			if err := h.Pipeline.RecordRead(ctx, pushmessages.Read{At: now(), Written: rec.EventTime}); err != nil {
				h.Log.Warn("could not note the read for the dashboard", "error", err)
			}
		}
	}
	return errors.Join(errs...)
}

func (h *Handler) process(ctx context.Context, bucket, key string) (Summary, error) {
	out, err := h.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return Summary{}, fmt.Errorf("get object: %w", err)
	}
	defer out.Body.Close()
	return Process(ctx, out.Body, h.Store)
}

// MetricsNamespace is the CloudWatch namespace of the processor's metrics.
const MetricsNamespace = "PushTurnkey/Processor"

// Metric names, per log object (Count, or Percent for MalformedPercent).
// Unattributed is what senders can cause; Unreadable and Malformed are
// what the server's log format drifting causes (see pushlog.Counts).
var metricNames = []string{"Records", "Readable", "Deliveries", "Unattributed", "Unreadable", "Malformed", "MalformedPercent"}

// MetricAttrs are the slog attributes that make a JSON log line a
// CloudWatch embedded metric format document (CloudWatch User Guide,
// "Specification: Embedded metric format"): the "_aws" member naming the
// namespace, the FunctionName dimension and the metrics, and each metric
// and the dimension as root members. Lambda sends standard output to
// CloudWatch Logs, which extracts the metrics without an API call.
// Readable is Records less Malformed; MalformedPercent is 0 for an empty
// object.
func MetricAttrs(functionName string, s Summary, now time.Time) []any {
	metrics := make([]map[string]string, 0, len(metricNames))
	for _, name := range metricNames {
		unit := "Count"
		if name == "MalformedPercent" {
			unit = "Percent"
		}
		metrics = append(metrics, map[string]string{"Name": name, "Unit": unit})
	}
	percent := 0.0
	if s.Records > 0 {
		percent = 100 * float64(s.Malformed) / float64(s.Records)
	}
	return []any{
		"_aws", map[string]any{
			"Timestamp": now.UnixMilli(),
			"CloudWatchMetrics": []map[string]any{{
				"Namespace":  MetricsNamespace,
				"Dimensions": [][]string{{"FunctionName"}},
				"Metrics":    metrics,
			}},
		},
		"FunctionName", functionName,
		"Records", s.Records,
		"Readable", s.Records - s.Malformed,
		"Deliveries", s.Deliveries,
		"Unattributed", s.Unattributed,
		"Unreadable", s.Unreadable,
		"Malformed", s.Malformed,
		"MalformedPercent", percent,
	}
}
