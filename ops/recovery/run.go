package recovery

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/push-turnkey/push-turnkey/ops/pulumicli"
	"github.com/push-turnkey/push-turnkey/program/pushstack"
)

// StackTags are the tags every resource of the stack carries (the
// program's provider default tags), which Target.StackTags needs.
func StackTags(stack string) map[string]string { return pushstack.StackTags(stack) }

// Stack is the Pulumi CLI on one stack (pulumicli.CLI).
type Stack interface {
	Cancel(ctx context.Context) error
	Export(ctx context.Context) (pulumicli.Deployment, error)
	Import(ctx context.Context, d pulumicli.Deployment) error
	Refresh(ctx context.Context) error
}

// Options are the user's answers: Unlock removes the lock a killed run
// left (`pulumi cancel`); Adopt names IDs by URN; Forget names URNs that
// made nothing; DryRun only prints the decisions.
type Options struct {
	Unlock bool
	Adopt  map[string]string
	Forget []string
	DryRun bool
}

// Recover finishes the stack's state after a killed `pulumi up`: unlock
// (if asked, and not DryRun), export, decide every pending create (printed to out, one
// line each), and, unless DryRun or any is unresolved, import the edited
// state and refresh it, so the next `pulumi up` starts from what the
// account holds. An unresolved create is an error naming what to do; the
// state is then left as it was.
func Recover(ctx context.Context, s Stack, at Target, acct Account, o Options, out io.Writer) ([]Decision, error) {
	switch {
	case o.Unlock && o.DryRun:
		fmt.Fprintln(out, "would remove the stack's lock (pulumi cancel)")
	case o.Unlock:
		if err := s.Cancel(ctx); err != nil {
			return nil, err
		}
		fmt.Fprintln(out, "removed the stack's lock (pulumi cancel)")
	}
	d, err := s.Export(ctx)
	if err != nil {
		return nil, err
	}
	decisions, err := Decide(ctx, d.Deployment, at, acct, o.Adopt, o.Forget)
	if err != nil {
		return nil, err
	}
	if len(decisions) == 0 {
		fmt.Fprintln(out, "no pending create in the state: nothing to adopt")
	}
	var unresolved []string
	for _, dec := range decisions {
		line := fmt.Sprintf("%-10s %s", dec.Outcome, dec.URN)
		if dec.ID != "" {
			line += " as " + dec.ID
		}
		fmt.Fprintf(out, "%s\n           (%s)\n", line, dec.Why)
		if dec.Outcome == Unresolved {
			unresolved = append(unresolved, dec.URN)
		}
	}
	if len(unresolved) > 0 {
		return decisions, fmt.Errorf("%d pending create(s) unresolved, the state is unchanged: run again with -adopt '<URN>=<ID>' for each one that exists, -forget '<URN>' for each that does not:\n  %s",
			len(unresolved), strings.Join(unresolved, "\n  "))
	}
	if o.DryRun {
		fmt.Fprintln(out, "dry run: the state is unchanged")
		return decisions, nil
	}
	if len(decisions) > 0 {
		if d.Deployment, err = Apply(d.Deployment, decisions); err != nil {
			return decisions, err
		}
		if err := s.Import(ctx, d); err != nil {
			return decisions, err
		}
		fmt.Fprintln(out, "adopted into the state (pulumi stack import); reading every resource from the account (pulumi refresh)")
	}
	if err := s.Refresh(ctx); err != nil {
		return decisions, err
	}
	fmt.Fprintln(out, "done: now run pulumi up")
	return decisions, nil
}
