// Command messages-api serves the Push Messages API (package messagesapi).
//
// Environment: LISTEN_ADDR (default ":8080", the seed's port), REDIS_ADDRESS ("host:port"),
// REDIS_TLS ("true" for ElastiCache in-transit encryption),
// REDIS_AUTH_TOKEN_FILE (a root-only file holding the AUTH token, may be
// unset), MESSAGES_TABLE, RECONCILE_INTERVAL (a Go duration, default
// messagesapi.ReconcileInterval: how often the Redis hash is checked
// against the table), FORMAT_DRIFT_ALARMS and PIPELINE_ALARMS (CloudWatch
// alarm names, comma-separated, whose states GET /pipeline reports; both
// unset leaves them out), and the AWS SDK's usual variables.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	// CA roots built into the binary, used only when the system has none
	// (crypto/x509.SetFallbackRoots): the API runs in an empty image with
	// the host's bundle mounted, and a host without that bundle must not
	// leave every AWS and Redis TLS call failing with "certificate signed
	// by unknown authority".
	_ "golang.org/x/crypto/x509roots/fallback"

	"github.com/push-turnkey/push-turnkey/services/messagesapi"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(log); err != nil {
		stopped(log, err)
		os.Exit(1)
	}
}

// stopped logs why the API stopped: the line `pulumi up`'s wait for a new
// instance reports (program/components.APIServingPattern).
func stopped(log *slog.Logger, err error) { log.Error("messages-api stopped", "error", err) }

func run(log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	addr := envOr("LISTEN_ADDR", ":8080")
	table := os.Getenv("MESSAGES_TABLE")
	redisAddr := os.Getenv("REDIS_ADDRESS")
	if table == "" || redisAddr == "" {
		return errors.New("MESSAGES_TABLE and REDIS_ADDRESS must be set")
	}
	useTLS, err := strconv.ParseBool(envOr("REDIS_TLS", "false"))
	if err != nil {
		return fmt.Errorf("REDIS_TLS: %w", err)
	}
	var token string
	if path := os.Getenv("REDIS_AUTH_TOKEN_FILE"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read redis auth token: %w", err)
		}
		token = strings.TrimSpace(string(data))
	}
	reconcile := messagesapi.ReconcileInterval
	if v := os.Getenv("RECONCILE_INTERVAL"); v != "" {
		if reconcile, err = time.ParseDuration(v); err != nil || reconcile <= 0 {
			return fmt.Errorf("RECONCILE_INTERVAL %q is not a positive duration such as 1m", v)
		}
	}
	// Without AWS_REGION, the region comes from the instance metadata.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithEC2IMDSRegion())
	if err != nil {
		return fmt.Errorf("aws config: %w", err)
	}
	store := &pushmessages.Store{
		Redis:    pushmessages.NewRedis(redisAddr, token, useTLS),
		DynamoDB: dynamodb.NewFromConfig(cfg),
		Table:    table,
	}
	// Redis may have lost the keys while the API was down. Bounded: a
	// silent store must not keep the API from listening.
	refillCtx, cancelRefill := context.WithTimeout(ctx, 15*time.Second)
	keys, err := store.Refill(refillCtx)
	cancelRefill()
	if err != nil {
		log.Warn("could not refill redis at start; will retry on demand", "error", err)
	} else {
		log.Info("registered keys loaded", "keys", len(keys))
	}

	api := messagesapi.New(store, messagesapi.Version{Source: "push-turnkey", Version: version}, log)
	drift, pipeline := alarmNames("FORMAT_DRIFT_ALARMS"), alarmNames("PIPELINE_ALARMS")
	if len(drift)+len(pipeline) > 0 {
		api.Alarms = &messagesapi.Alarms{CloudWatch: cloudwatch.NewFromConfig(cfg), FormatDrift: drift, Pipeline: pipeline}
	}
	// A Redis failure between a change's two writes that no client
	// repeats is set right within a minute.
	go api.KeepRedisInStep(ctx, reconcile)
	srv := &http.Server{
		Addr:              addr,
		Handler:           api,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// A request may wait RequestTimeout for its key's lock, then
		// write for pushmessages.WriteTimeout: its answer comes later.
		WriteTimeout:   messagesapi.RequestTimeout + pushmessages.WriteTimeout + 5*time.Second,
		IdleTimeout:    60 * time.Second,
		MaxHeaderBytes: 16 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// alarmNames reads the comma-separated alarm names in the variable name,
// skipping empty ones.
func alarmNames(name string) []string {
	var names []string
	for n := range strings.SplitSeq(os.Getenv(name), ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
