package processor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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
}

// Handle processes every object of the event under LogPrefix, one after
// the other, and logs one summary line per object. Objects outside the
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
		h.Log.Info("processed log object", "bucket", bucket, "key", key,
			"records", sum.Records, "matched", sum.Matched, "keys", sum.Keys, "skipped", sum.Skipped, "ok", err == nil)
		if err != nil {
			errs = append(errs, fmt.Errorf("s3://%s/%s: %w", bucket, key, err))
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
