package plan

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
)

// MockAccountID is the AWS account the plan runs in: the fake account's.
const MockAccountID = fakeaws.AccountID

// monitor is the Pulumi SDK's mock monitor as a thin adapter over the fake
// AWS account (ops/fakeaws), the one the engine tests' provider plugins
// answer from too: look-ups are the account's answers, and each resource
// is checked and made in it, with the IDs, ARNs and outputs it computes.
// Where the engine's provider draws random digits, the plan uses the hash
// of the resource's type and name, so two runs with the same config see
// identical values. It records every registration.
type monitor struct {
	project, stack string
	account        *fakeaws.Account
	store          *fakeaws.MemoryStore
	// retained is put in the account once the program's AWS provider is
	// configured (then the stack's tags are known).
	retained Account
	seeded   bool

	mu        sync.Mutex
	resources []Resource
	invokes   []Invoke
}

func newMonitor(project, stack string, retained Account) *monitor {
	store := fakeaws.NewMemoryStore()
	return &monitor{project: project, stack: stack, account: fakeaws.NewAccount(store), store: store, retained: retained}
}

// Call records a look-up and answers it from the account.
func (m *monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invokes = append(m.invokes, Invoke{Token: args.Token, Args: args.Args})
	m.mu.Unlock()
	return m.account.Invoke(args.Token, args.Args)
}

// NewResource records a registration and makes the resource in the
// account.
func (m *monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	res := Resource{
		URN:    m.urn(rpc.GetParent(), args.TypeToken, args.Name),
		Type:   args.TypeToken,
		Name:   args.Name,
		Parent: rpc.GetParent(),
		Custom: args.Custom,
		Inputs: args.Inputs,
		Options: Options{
			RetainOnDelete:      rpc.GetRetainOnDelete(),
			Protect:             rpc.GetProtect(),
			DeleteBeforeReplace: rpc.GetDeleteBeforeReplace(),
			IgnoreChanges:       rpc.GetIgnoreChanges(),
			DependsOn:           dependencies(rpc.GetDependencies(), rpc.GetPropertyDependencies()),
			ImportID:            rpc.GetImportId(),
			Provider:            rpc.GetProvider(),
			ErrorHooks:          rpc.GetHooks().GetOnError(),
			AfterUpdateHooks:    rpc.GetHooks().GetAfterUpdate(),
		},
	}
	res.Outputs = args.Inputs
	if args.Custom {
		var err error
		if res.ID, res.Outputs, err = m.make(args); err != nil {
			return "", nil, err
		}
	}
	m.mu.Lock()
	m.resources = append(m.resources, res)
	m.mu.Unlock()
	return res.ID, res.Outputs, nil
}

// make makes a custom resource: a provider is configured (the AWS one
// configures the account), a random value drawn, an import read from the
// account, anything else checked and created in it.
func (m *monitor) make(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	typ, name := args.TypeToken, args.Name
	digits := fakeaws.HashDigits(typ + "/" + name)
	switch {
	case typ == "pulumi:providers:aws":
		if err := m.configure(args.Inputs); err != nil {
			return "", nil, err
		}
		return name + "-" + digits, args.Inputs, nil
	case strings.HasPrefix(typ, "pulumi:providers:"):
		return name + "-" + digits, args.Inputs, nil
	case strings.HasPrefix(typ, "random:"):
		state, err := fakeaws.RandomOutputs(typ, args.Inputs, fakeaws.HashReader(m.stack+"/"+name))
		return name + "-" + digits, state, err
	case args.RegisterRPC.GetImportId() != "":
		return m.imported(typ, args.RegisterRPC.GetImportId())
	}
	inputs, failures, err := m.account.Check(typ, name, args.Inputs, nil, digits)
	if err != nil {
		return "", nil, err
	}
	if len(failures) > 0 {
		reasons := make([]string, len(failures))
		for i, f := range failures {
			reasons[i] = f.Reason
		}
		return "", nil, fmt.Errorf("%s %s: %s", typ, name, strings.Join(reasons, "; "))
	}
	return m.account.Create(typ, name, inputs, digits)
}

// configure configures the account with the program's AWS provider and
// then, once, puts what earlier stacks retained in it.
func (m *monitor) configure(settings resource.PropertyMap) error {
	if err := m.account.Configure(settings); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seeded {
		return nil
	}
	m.seeded = true
	return m.retained.putInto(m.account, m.store)
}

// imported is the state of a resource the program imports: what the
// account holds under the import ID, as the engine reads it.
func (m *monitor) imported(typ, id string) (string, resource.PropertyMap, error) {
	_, state, found, err := m.account.Read(typ, id)
	if err != nil {
		return "", nil, err
	}
	if !found {
		return "", nil, fmt.Errorf("importing %s %s: it does not exist in the account", typ, id)
	}
	return id, state, nil
}

func (m *monitor) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// dependencies is every URN a registration waits for: the explicit
// DependsOn list and those reached through its inputs, sorted, once each.
func dependencies(explicit []string, byProperty map[string]*pulumirpc.RegisterResourceRequest_PropertyDependencies) []string {
	seen := map[string]bool{}
	var all []string
	add := func(urn string) {
		if urn != "" && !seen[urn] {
			seen[urn] = true
			all = append(all, urn)
		}
	}
	for _, u := range explicit {
		add(u)
	}
	for _, deps := range byProperty {
		for _, u := range deps.GetUrns() {
			add(u)
		}
	}
	sort.Strings(all)
	return all
}
