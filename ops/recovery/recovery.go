// Package recovery finishes the state of a stack whose `pulumi up` was
// killed (a CI runner stopped, a laptop closed) while the provider was
// creating resources. The engine records each such create as a pending
// operation and, on the next up, warns and creates the resource again:
// the first one keeps running in the account, outside the stack, for
// good. Pulumi v3.274.1's own answer, `pulumi refresh
// --import-pending-creates`, drops the pending create without adding the
// resource (the engine keeps only pending creates from one snapshot to
// the next), so this package adopts each one itself: it finds the
// resource the dead run made (Decide), moves it into the state's
// resources with its ID (Apply), after which `pulumi stack import` and
// `pulumi refresh` read it from the account, or drop it when it was never
// made.
package recovery

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Tagged is a resource the account lists under the stack's tags: its ARN
// and all its tags.
type Tagged struct {
	ARN  string
	Tags map[string]string
}

// Account lists the resources of the region that carry every tag of tags
// (the Resource Groups Tagging API's GetResources; TaggingAccount).
type Account interface {
	Tagged(ctx context.Context, tags map[string]string) ([]Tagged, error)
}

// Outcome is what becomes of one pending create.
type Outcome string

const (
	// Adopt: the resource exists (or may: refresh tells) under ID; it goes
	// into the state.
	Adopt Outcome = "adopt"
	// Forget: nothing of it is in the account; the pending create is
	// dropped and the next up makes it.
	Forget Outcome = "forget"
	// Unresolved: it could not be told; the user looks (Why says how) and
	// runs again with -adopt or -forget.
	Unresolved Outcome = "unresolved"
)

// Decision is the outcome for one pending create.
type Decision struct {
	URN, Type string
	Outcome   Outcome
	ID        string // for Adopt
	Why       string
}

// Target is where the stack deploys: its partition, region and account,
// and the tags every resource of it carries (the provider's default tags).
type Target struct {
	Partition, Region, Account string
	StackTags                  map[string]string
}

// Pending returns the pending creates of a deployment (`pulumi stack
// export`'s "deployment").
func Pending(deployment json.RawMessage) ([]apitype.OperationV2, error) {
	var d apitype.DeploymentV3
	if err := json.Unmarshal(deployment, &d); err != nil {
		return nil, fmt.Errorf("read the stack's state: %w", err)
	}
	var creates []apitype.OperationV2
	for _, op := range d.PendingOperations {
		if op.Type == apitype.OperationTypeCreating {
			creates = append(creates, op)
		}
	}
	return creates, nil
}

// Decide finds, for each pending create of the deployment, the resource
// the dead run made: by an ID its inputs hold, or among the account's
// resources with the stack's tags that the state does not hold, whose own
// tags include the pending create's. given maps URNs to IDs the user
// named (-adopt); forget holds URNs the user says made nothing (-forget).
// An error is a failed look-up; what cannot be told is Unresolved.
func Decide(ctx context.Context, deployment json.RawMessage, at Target, acct Account, given map[string]string, forget []string) ([]Decision, error) {
	var d apitype.DeploymentV3
	if err := json.Unmarshal(deployment, &d); err != nil {
		return nil, fmt.Errorf("read the stack's state: %w", err)
	}
	held := map[string]bool{} // IDs the state holds
	for _, r := range d.Resources {
		held[string(r.ID)] = true
	}
	var decisions []Decision
	var tagged []Tagged
	looked := false
	for _, op := range d.PendingOperations {
		if op.Type != apitype.OperationTypeCreating {
			continue
		}
		r := op.Resource
		dec := Decision{URN: string(r.URN), Type: string(r.Type)}
		f, known := finders[dec.Type]
		switch {
		case given[dec.URN] != "":
			dec.Outcome, dec.ID, dec.Why = Adopt, given[dec.URN], "named by -adopt"
		case slices.Contains(forget, dec.URN):
			dec.Outcome, dec.Why = Forget, "named by -forget"
		case !known:
			dec.Outcome, dec.Why = Unresolved, "a type this command does not know; look for it in the AWS console by the stack's tags"
		case f.nothing != "":
			dec.Outcome, dec.Why = Forget, f.nothing
		case f.byHand != "":
			dec.Outcome, dec.Why = Unresolved, "find its ID with: "+f.byHand
		case f.input != nil:
			dec.Outcome, dec.ID = Adopt, f.input(r.Inputs, target{at.Partition, at.Region, at.Account})
			dec.Why = "its ID is in its inputs; refresh drops it if it was never made"
			if dec.ID == "" {
				dec.Outcome, dec.Why = Unresolved, "its inputs lack the name it is known by"
			}
		default:
			if !looked {
				var err error
				if tagged, err = acct.Tagged(ctx, at.StackTags); err != nil {
					return nil, fmt.Errorf("list the resources tagged %v: %w", at.StackTags, err)
				}
				looked = true
			}
			dec = byTags(dec, f, r.Inputs, tagged, held)
		}
		decisions = append(decisions, dec)
	}
	return decisions, nil
}

// byTags picks, among the tagged resources of the finder's type that the
// state does not hold, the one whose tags include the pending create's
// own (its "tags" input).
func byTags(dec Decision, f finder, inputs map[string]any, tagged []Tagged, held map[string]bool) Decision {
	own := map[string]string{}
	if m, ok := inputs["tags"].(map[string]any); ok {
		for k, v := range m {
			if s, ok := v.(string); ok {
				own[k] = s
			}
		}
	}
	var ids []string
	for _, t := range tagged {
		id := f.idFromARN(t.ARN)
		if !f.matches(t.ARN) || held[id] {
			continue
		}
		if includes(t.Tags, own) {
			ids = append(ids, id)
		}
	}
	switch len(ids) {
	case 0:
		dec.Outcome, dec.Why = Forget, "no resource of its type carries the stack's tags and its own outside the state: the dead run had not made it"
	case 1:
		dec.Outcome, dec.ID, dec.Why = Adopt, ids[0], "the one resource of its type with the stack's tags and its own that the state does not hold"
	default:
		slices.Sort(ids)
		dec.Outcome, dec.Why = Unresolved, fmt.Sprintf("%d resources of its type carry its tags outside the state (%s): keep one with -adopt and delete the others", len(ids), strings.Join(ids, ", "))
	}
	return dec
}

func includes(all, some map[string]string) bool {
	for k, v := range some {
		if all[k] != v {
			return false
		}
	}
	return true
}

// Apply edits the deployment as decided: each adopted pending create
// becomes a resource of the state with its ID (its outputs, until the
// refresh reads them, are its inputs), after every resource already there
// (they were made before it); each forgotten one is dropped. Every other
// part of the deployment is kept as it is. It refuses while any decision
// is Unresolved.
func Apply(deployment json.RawMessage, decisions []Decision) (json.RawMessage, error) {
	outcome := map[string]Decision{}
	for _, d := range decisions {
		if d.Outcome == Unresolved {
			return nil, fmt.Errorf("%s is unresolved: %s", d.URN, d.Why)
		}
		outcome[d.URN] = d
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(deployment, &doc); err != nil {
		return nil, fmt.Errorf("read the stack's state: %w", err)
	}
	var resources, ops []json.RawMessage
	if err := unmarshalIfSet(doc["resources"], &resources); err != nil {
		return nil, err
	}
	if err := unmarshalIfSet(doc["pending_operations"], &ops); err != nil {
		return nil, err
	}
	var kept []json.RawMessage
	for _, raw := range ops {
		var op struct {
			Resource map[string]json.RawMessage `json:"resource"`
			Type     apitype.OperationType      `json:"type"`
		}
		if err := json.Unmarshal(raw, &op); err != nil {
			return nil, fmt.Errorf("read a pending operation: %w", err)
		}
		var urn string
		_ = json.Unmarshal(op.Resource["urn"], &urn)
		d, decided := outcome[urn]
		if op.Type != apitype.OperationTypeCreating || !decided {
			kept = append(kept, raw)
			continue
		}
		delete(outcome, urn)
		if d.Outcome == Forget {
			continue
		}
		res := maps.Clone(op.Resource)
		res["id"], _ = json.Marshal(d.ID)
		if res["outputs"] == nil {
			res["outputs"] = res["inputs"]
		}
		raw, err := json.Marshal(res)
		if err != nil {
			return nil, err
		}
		resources = append(resources, raw)
	}
	if len(outcome) > 0 {
		return nil, fmt.Errorf("decided on %d pending creates the state does not hold", len(outcome))
	}
	var err error
	if doc["resources"], err = json.Marshal(resources); err != nil {
		return nil, err
	}
	if len(kept) == 0 {
		delete(doc, "pending_operations")
	} else if doc["pending_operations"], err = json.Marshal(kept); err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}

func unmarshalIfSet(raw json.RawMessage, v any) error {
	if raw == nil {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("read the stack's state: %w", err)
	}
	return nil
}
