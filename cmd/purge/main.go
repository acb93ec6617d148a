// Command purge deletes for good what a destroyed push stack kept on
// purpose (package purge): under a table prefix, the log bucket with every
// object version and delete marker, the three DynamoDB tables (deletion
// protection turned off first) and the crypto key parameter. It refuses
// while the stack still has resources or when the tables belong to
// another stack, names every store first, and deletes nothing unless
// -confirm repeats the prefix. Run it after `pulumi destroy`, with
// credentials for the stack's account.
//
//	go run ./cmd/purge -stack dev -prefix push-dev                    # list what would go
//	go run ./cmd/purge -stack dev -prefix push-dev -confirm push-dev  # delete it
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/push-turnkey/push-turnkey/ops/cmdline"
	"github.com/push-turnkey/push-turnkey/ops/pulumicli"
	"github.com/push-turnkey/push-turnkey/ops/purge"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "purge:", err)
		os.Exit(1)
	}
}

const usage = "usage: go run ./cmd/purge -stack NAME -prefix PREFIX [-region REGION] [-C DIR] [-confirm PREFIX]"

type options struct {
	stack, prefix, region, dir, pulumi, confirm string
}

// parse reads the flags; help is true for -h.
func parse(args []string, out io.Writer) (o options, help bool, err error) {
	flags := flag.NewFlagSet("purge", flag.ContinueOnError)
	flags.StringVar(&o.stack, "stack", "", "the stack that last held the stores (their tables' stack tag); it must be destroyed (required)")
	flags.StringVar(&o.prefix, "prefix", "", "the stores' tablePrefix, e.g. push-dev (required)")
	flags.StringVar(&o.region, "region", "", "the AWS region (default: the stack's aws:region if it still exists, else the AWS SDK's)")
	flags.StringVar(&o.dir, "C", ".", "the project directory (Pulumi.yaml)")
	flags.StringVar(&o.pulumi, "pulumi", "pulumi", "the Pulumi CLI")
	flags.StringVar(&o.confirm, "confirm", "", "repeat the prefix to delete the stores for good; without it nothing is deleted")
	if help, err := cmdline.Parse(flags, args, usage, out); err != nil || help {
		return o, help, err
	}
	switch {
	case o.stack == "" || o.prefix == "":
		return o, false, fmt.Errorf("-stack and -prefix are required (%s)", usage)
	case o.confirm != "" && o.confirm != o.prefix:
		return o, false, fmt.Errorf("-confirm %q is not the prefix %q: -confirm repeats -prefix", o.confirm, o.prefix)
	}
	return o, false, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, help, err := parse(args, out)
	if err != nil || help {
		return err
	}
	cli := &pulumicli.CLI{Binary: o.pulumi, Dir: o.dir, Stack: o.stack}
	config := map[string]pulumicli.ConfigValue{}
	exists, err := cli.Exists(ctx)
	if err != nil {
		return err
	}
	if exists {
		if config, err = cli.Config(ctx); err != nil {
			return err
		}
	}
	awsConfig, err := pulumicli.AWSConfig(ctx, config, o.region)
	if err != nil {
		return err
	}
	caller, err := pulumicli.Identity(ctx, awsConfig)
	if err != nil {
		return err
	}
	p := &purge.Purge{Prefix: o.prefix, StackName: o.stack, Stack: cli, Account: caller.Account,
		DynamoDB: dynamodb.NewFromConfig(awsConfig), S3: s3.NewFromConfig(awsConfig), SSM: ssm.NewFromConfig(awsConfig),
		Out: out, Poll: 5 * time.Second}
	fmt.Fprintf(out, "account %s, region %s\n", p.Account, awsConfig.Region)
	return p.Run(ctx, o.confirm)
}
