// Command smoke proves a deployed push stack end to end (package smoke):
// it speaks the push protocol as Firefox does, sends itself an encrypted,
// VAPID-signed WebPush message through the stack and reads it back,
// printing each step with its latency. It exits 1 on failure, naming the
// step.
//
//	go run ./cmd/smoke -stack dev                 # pushServerUrl from `pulumi stack output`
//	go run ./cmd/smoke -push-server-url wss://push.example.com/
//	go run ./cmd/smoke -stack dev -messages-api-url http://10.20.0.9:8080/   # from the VPC
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/push-turnkey/push-turnkey/ops/cmdline"
	"github.com/push-turnkey/push-turnkey/ops/smoke"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "smoke:", err)
		os.Exit(1)
	}
}

// stackOutput reads one output of a stack with the Pulumi CLI.
var stackOutput = func(stack, name string) (string, error) {
	out, err := exec.Command("pulumi", "stack", "output", name, "--stack", stack).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return "", fmt.Errorf("pulumi stack output %s --stack %s: %s", name, stack, strings.TrimSpace(string(exit.Stderr)))
	}
	if err != nil {
		return "", fmt.Errorf("pulumi stack output (is the Pulumi CLI on PATH?): %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func run(args []string, out io.Writer) error {
	flags := flag.NewFlagSet("smoke", flag.ContinueOnError)
	stack := flags.String("stack", "", "stack whose pushServerUrl output to test (needs the Pulumi CLI)")
	url := flags.String("push-server-url", "", "websocket URL to test instead of a stack's (ws:// or wss://)")
	timeout := flags.Duration("timeout", 30*time.Second, "how long each step may take")
	api := flags.String("messages-api-url", "", "the processor tier's Messages API (output messagesApiUrl; reachable from the stack's VPC): also check the message reaches it")
	apiTimeout := flags.Duration("messages-timeout", 5*time.Minute, "how long the message may take to reach the Messages API")
	const usage = "usage: go run ./cmd/smoke -stack NAME | -push-server-url URL [-timeout 30s] [-messages-api-url URL [-messages-timeout 5m]]"
	if help, err := cmdline.Parse(flags, args, usage, out); err != nil || help {
		return err
	}
	switch {
	case *timeout <= 0 || *apiTimeout <= 0:
		return errors.New("-timeout and -messages-timeout must be above zero")
	case *api != "" && !strings.HasPrefix(*api, "http://") && !strings.HasPrefix(*api, "https://"):
		return fmt.Errorf("messages API URL %q is not an http:// or https:// URL", *api)
	case (*stack == "") == (*url == ""):
		return errors.New("give -stack NAME or -push-server-url URL, one of them")
	case *stack != "":
		u, err := stackOutput(*stack, "pushServerUrl")
		if err != nil {
			return err
		}
		*url = u
	}
	if !strings.HasPrefix(*url, "ws://") && !strings.HasPrefix(*url, "wss://") {
		return fmt.Errorf("push server URL %q is not a ws:// or wss:// URL", *url)
	}
	fmt.Fprintf(out, "smoke test of %s\n", *url)
	if err := smoke.Run(context.Background(), smoke.Options{PushServerURL: *url, StepTimeout: *timeout, Out: out,
		MessagesAPIURL: *api, MessagesTimeout: *apiTimeout}); err != nil {
		return err
	}
	fmt.Fprintln(out, "the push service works")
	return nil
}
