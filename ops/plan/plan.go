// Package plan runs the push-turnkey program offline, under the Pulumi SDK's
// mock monitor answering from the fake AWS account (ops/fakeaws, the one
// the engine tests' plugins answer from), and records what it registers:
// the resources with their inputs, options and made-up outputs, and the
// stack outputs. The plan command prints it and the tests assert on it.
package plan

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/program/pushstack"
	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// Resource is one registration of the program.
type Resource struct {
	URN    string
	Type   string // e.g. "aws:dynamodb/table:Table"
	Name   string // logical name
	Parent string // parent URN
	Custom bool   // false for component resources
	ID     string // the ID the fake account gave it ("" for components)
	// Inputs as the program sent them; secret values stay wrapped
	// (resource.Secret), so tests can tell them apart.
	Inputs resource.PropertyMap
	// Outputs are its state as the fake account made it: the inputs and
	// the outputs AWS computes (ARNs, names it chose, addresses); a
	// component's are its inputs.
	Outputs resource.PropertyMap
	Options Options
}

// Options are the resource options the program set.
type Options struct {
	RetainOnDelete      bool
	Protect             bool
	DeleteBeforeReplace bool
	IgnoreChanges       []string
	// DependsOn is every URN the resource waits for, explicit or through its
	// inputs, sorted.
	DependsOn []string
	ImportID  string
	Provider  string // provider reference "<urn>::<id>", "" for the default
	// ErrorHooks name the hooks the engine calls when an operation on the
	// resource fails; AfterUpdateHooks those it calls after an update.
	ErrorHooks       []string
	AfterUpdateHooks []string
}

// Output is one stack output.
type Output struct {
	Value  interface{}
	Secret bool
}

// Invoke is one look-up (data source call) the program made.
type Invoke struct {
	Token string               // e.g. "aws:dynamodb/getTables:getTables"
	Args  resource.PropertyMap // the arguments as the program sent them
}

// Plan is what one run of the program registered.
type Plan struct {
	Resources []Resource // sorted by URN
	// Invokes are the look-ups the program made, in the order it made
	// them (the run's order: look-ups of one step may interleave).
	Invokes []Invoke
	Outputs map[string]Output
	// Warnings are the config warnings `pulumi up` would log.
	Warnings []string
}

// Stack is the stack to run the program for: its name and its config in
// Pulumi's form ("push-turnkey:firehose" -> "true", "aws:region" -> ...).
type Stack struct {
	Name       string
	Config     map[string]string
	SecretKeys []string // config keys whose values are secrets
	// Account is what earlier stacks left in the fake AWS account the
	// program runs against; the zero value is a new account.
	Account Account
	// Artifacts makes the processor tier's programs; nil builds them
	// (pushstack.BuildArtifacts), as `pulumi up` does.
	Artifacts pushstack.ArtifactBuilder
	// Warnings are what only the stack file and the settings show, not
	// the config the program gets (LoadStack's); the plan's Warnings list
	// them first.
	Warnings []string
}

// Run validates the stack's config, then runs the program under mocks. A
// config error is returned as it is (a *stackconfig.Error per bad key).
func Run(stack Stack) (*Plan, error) {
	raw := map[string]string{}
	for k, v := range stack.Config {
		if key, ok := strings.CutPrefix(k, stackconfig.Namespace+":"); ok {
			raw[key] = v
		}
	}
	isSecret := func(key string) bool { return slices.Contains(stack.SecretKeys, key) }
	cfg, err := stackconfig.ParseStack(stack.Name, raw, stack.Config["aws:region"], isSecret)
	if err != nil {
		return nil, err
	}

	var (
		mu      sync.Mutex
		outputs = map[string]Output{}
		pending sync.WaitGroup
	)
	p, err := RunProgram(stack, func(ctx *pulumi.Context) error {
		build := stack.Artifacts
		if build == nil {
			build = pushstack.BuildArtifacts
		}
		exported, err := pushstack.Deploy(ctx, build)
		if err != nil {
			return err
		}
		for key, value := range exported {
			out := pulumi.ToOutputWithContext(ctx.Context(), value)
			secret := pulumi.IsSecret(out)
			pending.Add(1)
			out.ApplyT(func(v interface{}) interface{} {
				mu.Lock()
				outputs[key] = Output{Value: v, Secret: secret}
				mu.Unlock()
				pending.Done()
				return v
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() { pending.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		return nil, errors.New("run program: stack outputs did not resolve")
	}
	p.Outputs = outputs
	p.Warnings = append(slices.Clip(stack.Warnings), cfg.Warnings...)
	return p, nil
}

// RunProgram runs body under the mock monitor for stack and returns what it
// registered, also when it fails (then with the error). Outputs stay empty:
// Run collects them.
func RunProgram(stack Stack, body pulumi.RunFunc) (*Plan, error) {
	mocks := newMonitor(stackconfig.Namespace, stack.Name, stack.Account)
	err := pulumi.RunErr(body, pulumi.WithMocks(stackconfig.Namespace, stack.Name, mocks), func(info *pulumi.RunInfo) {
		info.Config = stack.Config
		info.ConfigSecretKeys = stack.SecretKeys
	})
	// Registration order depends on goroutine timing; URN order does not.
	sort.Slice(mocks.resources, func(i, j int) bool { return mocks.resources[i].URN < mocks.resources[j].URN })
	p := &Plan{Resources: mocks.resources, Invokes: mocks.invokes, Outputs: map[string]Output{}}
	if err != nil {
		return p, fmt.Errorf("run program: %w", err)
	}
	return p, nil
}

// Find returns the resources of one type, sorted by URN.
func (p *Plan) Find(typ string) []Resource {
	var found []Resource
	for _, r := range p.Resources {
		if r.Type == typ {
			found = append(found, r)
		}
	}
	return found
}

// Masked renders a property value as plain JSON-able data with every secret
// replaced by "[secret]" and resource references by their URN.
func Masked(v resource.PropertyValue) interface{} {
	switch {
	case v.IsSecret():
		return "[secret]"
	case v.IsComputed() || v.IsOutput():
		return "[unknown]"
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsArray():
		items := make([]interface{}, 0, len(v.ArrayValue()))
		for _, item := range v.ArrayValue() {
			items = append(items, Masked(item))
		}
		return items
	case v.IsObject():
		return MaskedMap(v.ObjectValue())
	}
	return v.V
}

// MaskedMap is Masked for a whole property map.
func MaskedMap(m resource.PropertyMap) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[string(k)] = Masked(v)
	}
	return out
}

// JSONResource is a resource as the plan command prints it.
type JSONResource struct {
	URN     string                 `json:"urn"`
	Type    string                 `json:"type"`
	Name    string                 `json:"name"`
	Parent  string                 `json:"parent"`
	Custom  bool                   `json:"custom"`
	Inputs  map[string]interface{} `json:"inputs"`
	Options JSONOptions            `json:"options"`
}

// JSONOptions are a resource's options as the plan command prints them.
type JSONOptions struct {
	RetainOnDelete      bool     `json:"retainOnDelete"`
	Protect             bool     `json:"protect"`
	DeleteBeforeReplace bool     `json:"deleteBeforeReplace"`
	IgnoreChanges       []string `json:"ignoreChanges"`
	DependsOn           []string `json:"dependsOn"`
	ImportID            string   `json:"importId,omitempty"`
	ErrorHooks          []string `json:"errorHooks,omitempty"`
	AfterUpdateHooks    []string `json:"afterUpdateHooks,omitempty"`
}

// JSONPlan is the plan command's -json document; secrets read "[secret]".
type JSONPlan struct {
	Resources []JSONResource         `json:"resources"`
	Outputs   map[string]interface{} `json:"outputs"`
	Warnings  []string               `json:"warnings"`
}

// Document renders p for printing, with every secret masked.
func Document(p *Plan) JSONPlan {
	doc := JSONPlan{Resources: []JSONResource{}, Outputs: map[string]interface{}{}, Warnings: nonNil(p.Warnings)}
	for _, r := range p.Resources {
		doc.Resources = append(doc.Resources, JSONResource{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Custom: r.Custom,
			Inputs: MaskedMap(r.Inputs),
			Options: JSONOptions{
				RetainOnDelete:      r.Options.RetainOnDelete,
				Protect:             r.Options.Protect,
				DeleteBeforeReplace: r.Options.DeleteBeforeReplace,
				IgnoreChanges:       nonNil(r.Options.IgnoreChanges),
				DependsOn:           nonNil(r.Options.DependsOn),
				ImportID:            r.Options.ImportID,
				ErrorHooks:          r.Options.ErrorHooks,
				AfterUpdateHooks:    r.Options.AfterUpdateHooks,
			},
		})
	}
	for k, o := range p.Outputs {
		if o.Secret {
			doc.Outputs[k] = "[secret]"
		} else {
			doc.Outputs[k] = o.Value
		}
	}
	return doc
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
