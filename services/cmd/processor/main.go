// Command processor is the log processor Lambda (runtime provided.al2023,
// binary "bootstrap"): S3 object-created events on the Firehose log bucket
// in, recent messages of registered VAPID keys into Redis.
//
// Environment: SETTINGS_BUCKET (the log bucket, which holds
// processor_settings.json) and REDIS_AUTH_TOKEN (secret, may be empty).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/push-turnkey/push-turnkey/services/processor"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h, err := setup(context.Background(), log)
	if err != nil {
		log.Error("processor cannot start", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}

// setup reads the settings object once per cold start.
func setup(ctx context.Context, log *slog.Logger) (*processor.Handler, error) {
	bucket := os.Getenv("SETTINGS_BUCKET")
	if bucket == "" {
		return nil, fmt.Errorf("SETTINGS_BUCKET is not set")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("aws config: %w", err)
	}
	s3c := s3.NewFromConfig(cfg)
	out, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(processor.SettingsKey)})
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, processor.SettingsKey, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, processor.SettingsKey, err)
	}
	settings, err := processor.ParseSettings(data)
	if err != nil {
		return nil, err
	}
	store := &pushmessages.Store{
		Redis:    pushmessages.NewRedis(settings.RedisAddress, os.Getenv("REDIS_AUTH_TOKEN"), settings.RedisTLS),
		DynamoDB: dynamodb.NewFromConfig(cfg),
		Table:    settings.Table,
	}
	return &processor.Handler{S3: s3c, Store: store, Pipeline: store, LogPrefix: settings.LogPrefix, Log: log,
		FunctionName: os.Getenv("AWS_LAMBDA_FUNCTION_NAME")}, nil
}
