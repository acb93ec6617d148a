package keyrotation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/push-turnkey/push-turnkey/ops/pulumicli"
)

// Stack is what a rotation needs of the stack; *pulumicli.CLI has it (the
// engine tests run Up and PreviewNoChanges through the Automation API).
type Stack interface {
	// Config returns the stack's config, secrets decrypted.
	Config(ctx context.Context) (map[string]pulumicli.ConfigValue, error)
	// SetSecret sets a config path to a value, encrypted.
	SetSecret(ctx context.Context, path, value string) error
	// Remove removes a config path.
	Remove(ctx context.Context, path string) error
	// Outputs returns the stack's outputs, secrets shown.
	Outputs(ctx context.Context) (map[string]json.RawMessage, error)
	// PreviewNoChanges fails when `pulumi up` would change anything.
	PreviewNoChanges(ctx context.Context) error
	// Up runs `pulumi up`.
	Up(ctx context.Context) error
}

// Rotator changes one stack's key list, one `pulumi up` and one wait for
// the instance refreshes per step. Every method first checks that the
// stack is ready: its config names the keys its last `pulumi up`
// deployed (or no keys: then they come from the key parameter), `pulumi
// preview` shows no change (a step deploys the keys and nothing else),
// and no group has an instance refresh under way or a last one that did
// not end Successful.
type Rotator struct {
	Stack     Stack
	Refreshes RefreshAPI
	// Out receives what the rotation does, keys named by Fingerprint.
	Out io.Writer
	// Poll is the time between two DescribeInstanceRefreshes of a group;
	// Timeout how long one step waits for its refreshes.
	Poll, Timeout time.Duration
	// Sleep waits between polls; nil waits in real time.
	Sleep func(ctx context.Context, d time.Duration) error
}

// ready is a stack that passed the checks: its key config (Keys{} when
// unset), its deployed key list and its groups.
type ready struct {
	config, deployed Keys
	groups           Groups
}

func (r *Rotator) waiter() *waiter {
	w := &waiter{api: r.Refreshes, out: r.Out, poll: r.Poll, timeout: r.Timeout, wait: r.Sleep}
	if w.wait == nil {
		w.wait = sleep
	}
	if w.out == nil {
		w.out = io.Discard
	}
	return w
}

func (r *Rotator) printf(format string, args ...any) {
	if r.Out != nil {
		fmt.Fprintf(r.Out, format, args...)
	}
}

// load reads the key config, the deployed keys and the groups.
func (r *Rotator) load(ctx context.Context) (ready, error) {
	config, err := r.Stack.Config(ctx)
	if err != nil {
		return ready{}, err
	}
	var s ready
	if s.config, err = configuredKeys(config); err != nil {
		return ready{}, err
	}
	outputs, err := r.Stack.Outputs(ctx)
	if err != nil {
		return ready{}, err
	}
	if s.deployed, err = deployedKeys(outputs); err != nil {
		return ready{}, err
	}
	s.groups = Groups{}
	for _, role := range []string{"connection", "endpoint"} {
		var name string
		if err := json.Unmarshal(outputs[role+"GroupName"], &name); err != nil || name == "" {
			return ready{}, fmt.Errorf("the stack has no output %sGroupName (it was deployed by an older release): run pulumi up once, then this again", role)
		}
		s.groups[role] = name
	}
	return s, nil
}

// check loads the stack and refuses it unless it is ready.
func (r *Rotator) check(ctx context.Context) (ready, error) {
	s, err := r.load(ctx)
	if err != nil {
		return ready{}, err
	}
	if s.config.Current != "" && !s.config.Equal(s.deployed) {
		return ready{}, fmt.Errorf("the stack's config names other crypto keys (%s) than its last pulumi up deployed (%s): "+
			"run pulumi up to deploy them, or set them back, before a rotation step (a step that was interrupted leaves this; pulumi stack output holds the deployed keys)",
			describe(s.config), describe(s.deployed))
	}
	r.printf("checking that pulumi up would change nothing else\n")
	if err := r.Stack.PreviewNoChanges(ctx); err != nil {
		return ready{}, fmt.Errorf("the stack has changes to deploy besides the keys; run pulumi up first (a rotation step deploys only the keys): %w", err)
	}
	if err := r.waiter().settled(ctx, s.groups); err != nil {
		return ready{}, err
	}
	return s, nil
}

// apply writes the key list to into the config (from: what it holds
// now), checks that it reads back as to, runs `pulumi up` and waits until
// both groups' nodes were replaced.
func (r *Rotator) apply(ctx context.Context, s ready, from, to Keys) error {
	writes, err := Writes(from, to)
	if err != nil {
		return err
	}
	for _, w := range writes {
		if w.Remove {
			err = r.Stack.Remove(ctx, w.Path)
		} else {
			err = r.Stack.SetSecret(ctx, w.Path, w.Value)
		}
		if err != nil {
			return fmt.Errorf("write the stack's config (the deployed keys are in pulumi stack output; run this again once it is repaired): %w", err)
		}
	}
	config, err := r.Stack.Config(ctx)
	if err != nil {
		return err
	}
	got, err := configuredKeys(config)
	if err != nil {
		return err
	}
	if !got.Equal(to) {
		return fmt.Errorf("the stack's config reads back as %s, not the %s written: not deploying it", describe(got), describe(to))
	}
	w := r.waiter()
	before, err := w.snapshot(ctx, s.groups)
	if err != nil {
		return err
	}
	r.printf("pulumi up\n")
	if err := r.Stack.Up(ctx); err != nil {
		return fmt.Errorf("pulumi up (the stack's config holds the step's keys: fix the cause, run pulumi up, and watch the refreshes with -list): %w", err)
	}
	r.printf("waiting until every node of %s and %s was replaced (polling every %s, at most %s)\n",
		s.groups["connection"], s.groups["endpoint"], r.Poll, r.Timeout)
	if err := w.untilReplaced(ctx, s.groups, before); err != nil {
		return &errDeployed{err}
	}
	return nil
}

// Rotate makes a new key and makes it current in two steps: first every
// node accepts it while the current key still issues endpoints, then it
// issues them while the old one is still accepted. Each step is one
// `pulumi up` and a wait until every node of both groups was replaced;
// step 2 starts only once step 1's refreshes are Successful. Every key
// stays accepted; drop old ones with Drop.
func (r *Rotator) Rotate(ctx context.Context) error {
	s, err := r.check(ctx)
	if err != nil {
		return err
	}
	key, err := NewKey()
	if err != nil {
		return err
	}
	accepted, err := s.deployed.Accept(key)
	if err != nil {
		return err
	}
	r.printf("step 1 of 2: every node accepts the new key %s; %s still issues endpoints\n", Fingerprint(key), Fingerprint(s.deployed.Current))
	if err := r.apply(ctx, s, s.config, accepted); err != nil {
		if deployed(err) {
			return fmt.Errorf("step 1 is deployed but not every node accepts the new key yet, so it issues no endpoints: %w. "+
				"Once the groups' last refreshes are Successful, finish the rotation with -promote", err)
		}
		return fmt.Errorf("step 1: %w", err)
	}
	current, err := accepted.Promote()
	if err != nil {
		return err
	}
	r.printf("step 2 of 2: every node accepts the new key; it now issues endpoints, %s is still accepted\n", Fingerprint(s.deployed.Current))
	if err := r.apply(ctx, s, accepted, current); err != nil {
		if deployed(err) {
			return fmt.Errorf("step 2 is deployed (every node accepts both keys; replaced nodes issue endpoints under the new one): %w. "+
				"Once the groups' last refreshes are Successful the rotation is done: do not run -promote", err)
		}
		return fmt.Errorf("step 2 (step 1 is done: every node accepts the new key): %w", err)
	}
	r.printf("done: %s\n", describe(current))
	return nil
}

// Promote is a rotation's step 2 alone: previousCryptoKeys[0] becomes
// current. It finishes a rotation whose step 1 was deployed and rolled
// out but whose wait failed or was interrupted (the checks make sure
// every node runs the deployed list, so every node accepts that key).
func (r *Rotator) Promote(ctx context.Context) error {
	s, err := r.check(ctx)
	if err != nil {
		return err
	}
	current, err := s.deployed.Promote()
	if err != nil {
		return err
	}
	r.printf("%s issues endpoints from now on; %s is still accepted\n", Fingerprint(current.Current), Fingerprint(s.deployed.Current))
	if err := r.apply(ctx, s, s.config, current); err != nil {
		return err
	}
	r.printf("done: %s\n", describe(current))
	return nil
}

// Drop removes previousCryptoKeys[i] from the stack: endpoints issued
// under it stop working once every node was replaced. The current key
// cannot be dropped.
func (r *Rotator) Drop(ctx context.Context, i int) error {
	s, err := r.check(ctx)
	if err != nil {
		return err
	}
	kept, err := s.deployed.Drop(i)
	if err != nil {
		return err
	}
	r.printf("dropping previousCryptoKeys[%d] (%s): endpoints issued under it stop working\n", i, Fingerprint(s.deployed.Previous[i]))
	if err := r.apply(ctx, s, s.config, kept); err != nil {
		return err
	}
	r.printf("done: %s\n", describe(kept))
	return nil
}

// List prints the deployed key list (fingerprints) and each group's
// latest instance refresh; it changes nothing.
func (r *Rotator) List(ctx context.Context) error {
	s, err := r.load(ctx)
	if err != nil {
		return err
	}
	r.printf("deployed keys (pulumi stack output):\n")
	r.printf("  cryptoKey              %s  issues endpoints\n", Fingerprint(s.deployed.Current))
	for i, k := range s.deployed.Previous {
		r.printf("  %-22s %s  accepted\n", fmt.Sprintf("previousCryptoKeys[%d]", i), Fingerprint(k))
	}
	if s.config.Current != "" && !s.config.Equal(s.deployed) {
		r.printf("the stack's config names other keys, not deployed yet: %s\n", describe(s.config))
	}
	w := r.waiter()
	for _, group := range s.groups.names() {
		list, err := w.refreshes(ctx, group)
		if err != nil {
			return err
		}
		if latest := newest(list); latest != nil {
			r.printf("group %s: last instance refresh %s %s%s\n", group, aws.ToString(latest.InstanceRefreshId), latest.Status, reason(*latest))
		} else {
			r.printf("group %s: no instance refresh in the last six weeks\n", group)
		}
	}
	return nil
}

// describe names a key list by fingerprints.
func describe(k Keys) string {
	if k.Current == "" {
		return "no keys"
	}
	s := "cryptoKey " + Fingerprint(k.Current)
	for i, p := range k.Previous {
		s += fmt.Sprintf(", previousCryptoKeys[%d] %s", i, Fingerprint(p))
	}
	return s
}

// errDeployed is a step whose `pulumi up` went through and whose wait
// for the instance refreshes failed.
type errDeployed struct{ err error }

func (e *errDeployed) Error() string { return e.err.Error() }
func (e *errDeployed) Unwrap() error { return e.err }

// deployed reports whether err came after the step was deployed.
func deployed(err error) bool {
	var d *errDeployed
	return errors.As(err, &d)
}
