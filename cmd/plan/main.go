// Command plan shows, without an AWS account, what `pulumi up` would create:
// it runs the real program under the Pulumi SDK's mock monitor with the
// config of Pulumi.<stack>.yaml and prints the resource tree by component,
// or with -json one object with every resource and the stack outputs.
//
//	go run ./cmd/plan -stack dev [-config key=value ...] [-secret key=value ...] [-json] [-cost] [-deploy-policy]
//
// -cost prints the estimated monthly cost at no traffic instead of the
// tree (package cost); with -json the object also holds "cost".
//
// -deploy-policy prints instead the IAM policy the deploying user needs
// for `pulumi up`, `pulumi refresh` and `pulumi destroy` of the stack
// (package deploypolicy): a JSON list of policy documents, each within
// IAM's size limit of a managed policy, to attach as one managed policy
// each.
//
// Bad config exits with status 1 and the validation message.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/push-turnkey/push-turnkey/ops/cmdline"
	"github.com/push-turnkey/push-turnkey/ops/cost"
	"github.com/push-turnkey/push-turnkey/ops/deploypolicy"
	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// settings collects -config and -secret in the order given: the last
// setting of a key wins, as with `pulumi config set`.
type settings struct {
	list   *[]plan.Setting
	secret bool
}

func (s settings) String() string { return "" }
func (s settings) Set(v string) error {
	*s.list = append(*s.list, plan.Setting{Pair: v, Secret: s.secret})
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "plan:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	flags := flag.NewFlagSet("plan", flag.ContinueOnError)
	stack := flags.String("stack", "dev", "stack name: reads Pulumi.<stack>.yaml")
	dir := flags.String("dir", ".", "project directory holding Pulumi.yaml")
	asJSON := flags.Bool("json", false, "print one JSON object instead of the tree")
	withCost := flags.Bool("cost", false, "print the estimated monthly cost at no traffic (us-east-1 prices)")
	policy := flags.Bool("deploy-policy", false, "print the IAM policies (a JSON list) the deploying user needs for up, refresh and destroy")
	var list []plan.Setting
	flags.Var(settings{&list, false}, "config", "key=value, as `pulumi config set` (repeatable)")
	flags.Var(settings{&list, true}, "secret", "key=value, as `pulumi config set --secret` (repeatable)")
	const usage = "usage: go run ./cmd/plan [-stack NAME (default dev)] [-config key=value ...] [-secret key=value ...] [-json] [-cost] [-deploy-policy]"
	if help, err := cmdline.Parse(flags, args, usage, out); err != nil || help {
		return err
	}
	s, err := plan.LoadStack(*dir, *stack, list)
	if err != nil {
		return err
	}
	if *policy {
		if *asJSON || *withCost {
			return errors.New("-deploy-policy prints a policy: it takes neither -json nor -cost")
		}
		for _, w := range s.Warnings {
			fmt.Fprintln(os.Stderr, "warning:", w) // the policy alone goes to standard output
		}
		return printPolicy(out, s)
	}
	p, err := plan.Run(s)
	if err != nil {
		return err
	}
	var estimate *cost.Estimate
	var notes []string
	if *withCost {
		// The plan's region: the stack's, else the mocks' us-east-1.
		region := s.Config["aws:region"]
		if region == "" {
			region = "us-east-1"
			notes = append(notes, "aws:region is not set: priced as us-east-1; `pulumi up` takes the region of your AWS environment")
		}
		if estimate, err = cost.Of(p, region); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			plan.JSONPlan
			Cost *cost.Estimate `json:"cost,omitempty"`
		}{plan.Document(p), estimate})
	}
	w := errWriter{out: out}
	for _, warning := range append(p.Warnings, notes...) {
		w.printf("warning: %s\n", warning)
	}
	if w.err != nil {
		return w.err
	}
	if estimate != nil {
		return printCost(out, estimate)
	}
	return printTree(out, p)
}

// printPolicy prints the deploy policy of stack s: the list of its
// documents. The processor tier's programs are stand-ins: what they hold
// needs no permission.
func printPolicy(out io.Writer, s plan.Stack) error {
	artifacts, err := os.MkdirTemp("", "deploy-policy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(artifacts)
	s.Artifacts = plan.StandInArtifacts(artifacts)
	plans, err := deploypolicy.Plans(s)
	if err != nil {
		return err
	}
	docs, err := deploypolicy.For(plans, deploypolicy.TargetOf(s.Config["aws:region"]))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(docs)
}

// printCost prints the estimate line by line, then the total.
func printCost(out io.Writer, e *cost.Estimate) error {
	w := errWriter{out: out}
	w.printf("Estimated monthly cost at no traffic, %s on-demand prices of %s (%s):\n\n", e.Region, e.PricesDate, e.PricesFile)
	for _, l := range e.Lines {
		w.printf("  %10.2f USD  %s: %s\n", l.Monthly, l.Resource, l.Item)
	}
	w.printf("  %10.2f USD  total\n", e.Total)
	return w.err
}

// printTree prints each resource under its parent: type, name and the
// options that matter on destroy.
func printTree(out io.Writer, p *plan.Plan) error {
	children := map[string][]plan.Resource{}
	for _, r := range p.Resources {
		children[r.Parent] = append(children[r.Parent], r)
	}
	for _, rs := range children {
		sort.Slice(rs, func(i, j int) bool { return rs[i].URN < rs[j].URN })
	}
	var w errWriter
	w.out = out
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, r := range children[parent] {
			var marks []string
			if r.Options.RetainOnDelete {
				marks = append(marks, "retained on delete")
			}
			if r.Options.Protect {
				marks = append(marks, "protected")
			}
			if r.Options.ImportID != "" {
				marks = append(marks, "import "+r.Options.ImportID)
			}
			suffix := ""
			if len(marks) > 0 {
				suffix = "  [" + strings.Join(marks, ", ") + "]"
			}
			w.printf("%s%s  %s%s\n", strings.Repeat("  ", depth), r.Type, r.Name, suffix)
			walk(r.URN, depth+1)
		}
	}
	roots := map[string]bool{}
	for _, r := range p.Resources {
		if !registered(p, r.Parent) {
			roots[r.Parent] = true
		}
	}
	for _, root := range sortedKeys(roots) {
		walk(root, 0)
	}
	w.printf("\n%d resources\n\nOutputs:\n", len(p.Resources))
	doc := plan.Document(p)
	for _, k := range sortedKeys(doc.Outputs) {
		w.printf("  %s: %v\n", k, doc.Outputs[k])
	}
	return w.err
}

func registered(p *plan.Plan, urn string) bool {
	for _, r := range p.Resources {
		if r.URN == urn {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type errWriter struct {
	out io.Writer
	err error
}

func (w *errWriter) printf(format string, args ...interface{}) {
	if w.err == nil {
		_, w.err = fmt.Fprintf(w.out, format, args...)
	}
}
