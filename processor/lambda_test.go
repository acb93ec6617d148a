package processor_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/internal/logfixture"
	"github.com/push-turnkey/push-turnkey/processor"
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
	o.Delivery(1_790_000_000*second, k, "m1", 5, 60)
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
	assert.Contains(t, logs.String(), `"records":1,"matched":1,"keys":1,"skipped":0`)
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
