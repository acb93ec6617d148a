// Command recover finishes a stack after a `pulumi up` that was killed
// (a CI runner stopped, a laptop closed, the network dropped) while the
// provider was creating resources (package recovery): it removes the
// stack's lock when asked (-unlock: only when no other pulumi command
// runs on the stack), finds in the account each resource the dead run
// was making, by the ID its inputs hold or by the stack's tags, adopts
// it into the state and refreshes the state from the account. Without it
// the next `pulumi up` makes those resources again and the first ones
// keep running, outside the stack, for good. Run it with credentials for
// the stack's account, then run `pulumi up`.
//
//	go run ./cmd/recover -stack dev -unlock -dry-run   # what it would adopt
//	go run ./cmd/recover -stack dev -unlock            # adopt, then: pulumi up
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/push-turnkey/push-turnkey/ops/cmdline"
	"github.com/push-turnkey/push-turnkey/ops/pulumicli"
	"github.com/push-turnkey/push-turnkey/ops/recovery"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "recover:", err)
		os.Exit(1)
	}
}

const usage = "usage: go run ./cmd/recover -stack NAME [-unlock] [-dry-run] [-adopt URN=ID]... [-forget URN]... [-region REGION] [-C DIR]"

// pairs is a repeatable URN=ID flag.
type pairs map[string]string

func (p pairs) String() string { return fmt.Sprint(map[string]string(p)) }
func (p pairs) Set(v string) error {
	urn, id, ok := strings.Cut(v, "=")
	if !ok || !strings.HasPrefix(urn, "urn:pulumi:") || id == "" {
		return fmt.Errorf("want URN=ID (a URN as recover prints it), got %q", v)
	}
	p[urn] = id
	return nil
}

// list is a repeatable flag.
type list []string

func (l *list) String() string { return strings.Join(*l, ",") }
func (l *list) Set(v string) error {
	if !strings.HasPrefix(v, "urn:pulumi:") {
		return fmt.Errorf("want a URN (as recover prints it), got %q", v)
	}
	*l = append(*l, v)
	return nil
}

type options struct {
	stack, region, dir, pulumi string
	opts                       recovery.Options
}

// parse reads the flags; help is true for -h.
func parse(args []string, out io.Writer) (o options, help bool, err error) {
	flags := flag.NewFlagSet("recover", flag.ContinueOnError)
	o.opts.Adopt = pairs{}
	flags.StringVar(&o.stack, "stack", "", "the stack whose pulumi up was killed (required)")
	flags.BoolVar(&o.opts.Unlock, "unlock", false, "remove the lock the killed run left (pulumi cancel); only when no other pulumi command runs on the stack")
	flags.BoolVar(&o.opts.DryRun, "dry-run", false, "print what it would adopt or forget, change nothing")
	flags.Var(pairs(o.opts.Adopt), "adopt", "URN=ID: adopt the resource a pending create made, by its ID (repeatable)")
	flags.Var((*list)(&o.opts.Forget), "forget", "URN: a pending create that made nothing (repeatable)")
	flags.StringVar(&o.region, "region", "", "the AWS region (default: the stack's aws:region, else the AWS SDK's)")
	flags.StringVar(&o.dir, "C", ".", "the project directory (Pulumi.yaml)")
	flags.StringVar(&o.pulumi, "pulumi", "pulumi", "the Pulumi CLI")
	if help, err := cmdline.Parse(flags, args, usage, out); err != nil || help {
		return o, help, err
	}
	switch {
	case o.stack == "":
		return o, false, fmt.Errorf("-stack is required (%s)", usage)
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
	awsConfig, err := pulumicli.AWSConfig(ctx, config, o.region)
	if err != nil {
		return err
	}
	caller, err := pulumicli.Identity(ctx, awsConfig)
	if err != nil {
		return err
	}
	at := recovery.Target{Partition: caller.Partition, Region: awsConfig.Region, Account: caller.Account,
		StackTags: recovery.StackTags(o.stack)}
	fmt.Fprintf(out, "account %s, region %s, stack %s\n", at.Account, at.Region, o.stack)
	_, err = recovery.Recover(ctx, cli, at, recovery.TaggingAccount{API: tagging.NewFromConfig(awsConfig)}, o.opts, out)
	return err
}
