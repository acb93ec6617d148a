// Command rotate-key rotates a deployed push stack's crypto key safely
// (package keyrotation): a new key is first accepted by every node, then
// issues endpoints, each step one `pulumi up` followed by a wait until
// both Auto Scaling groups' instance refreshes ended Successful. It can
// also drop an old key, finish a rotation whose second step did not run,
// and list the keys (by fingerprint: no key is ever printed). It runs the
// Pulumi CLI in the project directory and calls AWS with the account's
// credentials (the SDK's default chain, the stack's aws:region and
// aws:profile).
//
//	go run ./cmd/rotate-key -stack dev              # rotate: a new key, two steps
//	go run ./cmd/rotate-key -stack dev -list        # the keys and the groups' last refreshes
//	go run ./cmd/rotate-key -stack dev -drop 1      # drop previousCryptoKeys[1]
//	go run ./cmd/rotate-key -stack dev -promote     # step 2 alone, after a step 1 whose wait failed
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"

	"github.com/push-turnkey/push-turnkey/ops/cmdline"
	"github.com/push-turnkey/push-turnkey/ops/keyrotation"
	"github.com/push-turnkey/push-turnkey/ops/pulumicli"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rotate-key:", err)
		os.Exit(1)
	}
}

// options are the command's flags, checked.
type options struct {
	stack, dir, pulumi string
	list, promote      bool
	drop               int // -1: none
	poll, timeout      time.Duration
}

const usage = "usage: go run ./cmd/rotate-key -stack NAME [-C DIR] [-list | -promote | -drop N] [-poll 30s] [-timeout 2h]"

// parse reads the flags; help is true for -h.
func parse(args []string, out io.Writer) (o options, help bool, err error) {
	flags := flag.NewFlagSet("rotate-key", flag.ContinueOnError)
	flags.StringVar(&o.stack, "stack", "", "the stack whose key to rotate (required)")
	flags.StringVar(&o.dir, "C", ".", "the project directory (Pulumi.yaml)")
	flags.StringVar(&o.pulumi, "pulumi", "pulumi", "the Pulumi CLI")
	flags.BoolVar(&o.list, "list", false, "list the deployed keys (fingerprints) and the groups' last instance refreshes; change nothing")
	flags.BoolVar(&o.promote, "promote", false, "only step 2: make previousCryptoKeys[0] current (after a step 1 whose wait failed, once its refreshes are Successful)")
	flags.IntVar(&o.drop, "drop", -1, "drop previousCryptoKeys[N] (endpoints issued under it stop working)")
	flags.DurationVar(&o.poll, "poll", 30*time.Second, "time between two looks at the instance refreshes")
	flags.DurationVar(&o.timeout, "timeout", 2*time.Hour, "how long one step waits for its instance refreshes")
	if help, err := cmdline.Parse(flags, args, usage, out); err != nil || help {
		return o, help, err
	}
	dropSet := false
	flags.Visit(func(f *flag.Flag) { dropSet = dropSet || f.Name == "drop" })
	modes := 0
	for _, on := range []bool{o.list, o.promote, dropSet} {
		if on {
			modes++
		}
	}
	switch {
	case o.stack == "":
		return o, false, fmt.Errorf("-stack is required (%s)", usage)
	case modes > 1:
		return o, false, errors.New("give at most one of -list, -promote and -drop")
	case dropSet && o.drop < 0:
		return o, false, fmt.Errorf("-drop %d: give the index of a previous key, 0 or more (-list shows them)", o.drop)
	case o.poll <= 0 || o.timeout <= 0:
		return o, false, errors.New("-poll and -timeout must be above zero")
	}
	return o, false, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, help, err := parse(args, out)
	if err != nil || help {
		return err
	}
	cli := &pulumicli.CLI{Binary: o.pulumi, Dir: o.dir, Stack: o.stack, Progress: out}
	config, err := cli.Config(ctx)
	if err != nil {
		return err
	}
	awsConfig, err := pulumicli.AWSConfig(ctx, config, "")
	if err != nil {
		return err
	}
	r := &keyrotation.Rotator{Stack: cli, Refreshes: autoscaling.NewFromConfig(awsConfig), Out: out, Poll: o.poll, Timeout: o.timeout}
	switch {
	case o.list:
		return r.List(ctx)
	case o.promote:
		return r.Promote(ctx)
	case o.drop >= 0:
		return r.Drop(ctx, o.drop)
	}
	return r.Rotate(ctx)
}
