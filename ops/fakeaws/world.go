package fakeaws

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sync"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// World is what exists in the fake AWS account: every resource, by
// "<type> <id>". Serial counts creations, so a resource created anew (even
// with the same name) is told apart from one that survived.
type World struct {
	Serial    int                `json:"serial"`
	Resources map[string]*Object `json:"resources"`
	// Faults make every create of a type fail with the given message,
	// as AWS fails it (a test sets one to see what a user then sees).
	Faults map[string]string `json:"faults,omitempty"`
	// LookUpFaults make calls of a data source (by function token) fail
	// as the provider fails them once its own retries are spent: a test
	// sets one to see what the program then does.
	LookUpFaults map[string]*LookUpFault `json:"lookUpFaults,omitempty"`
	// Waits make every create of a type make the resource, and every
	// delete delete it, then keep waiting on it, as the provider waits for
	// an Auto Scaling group's healthy capacity (up to 20 minutes) or its
	// instances to terminate, until the provider is stopped: a test
	// interrupts `pulumi up` or `pulumi destroy` there.
	Waits map[string]bool `json:"waits,omitempty"`
	// RefreshesStarted counts, per Auto Scaling group name, the instance
	// refreshes the provider started: one per update that changed the
	// group's launch template (terraform-provider-aws autoscaling/group.go,
	// StartInstanceRefresh after UpdateAutoScalingGroup). How each one
	// goes is testing/fakeasg's to answer.
	RefreshesStarted map[string]int `json:"refreshesStarted,omitempty"`
}

// LookUpFault is an error a data source returns: Message is the
// provider's error text; Times is how many calls fail before the data
// source answers again (0: every call).
type LookUpFault struct {
	Message string `json:"message"`
	Times   int    `json:"times,omitempty"`
}

// Object is one resource in the account.
type Object struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	// Name is the PhysicalName input's value ("" for none).
	Name string `json:"name,omitempty"`
	// Created is the World.Serial of its creation.
	Created int `json:"created"`
	// Inputs and Outputs in the provider protocol's form (secrets kept as
	// secrets), so a Read hands back what Create was given.
	Inputs  json.RawMessage `json:"inputs"`
	Outputs json.RawMessage `json:"outputs"`
	// Items stands for the data a store holds (table items, objects): the
	// tests write it as a user of the account would and check that it
	// survives.
	Items []string `json:"items,omitempty"`
}

func key(typ, id string) string { return typ + " " + id }

// NewObject is a resource as someone other than the program would leave
// it in the account (an earlier stack, a user): its type, its ID, its
// physical name ("" for none), and its inputs and outputs.
func NewObject(typ, id, name string, inputs, outputs resource.PropertyMap) (*Object, error) {
	in, err := encodeProps(inputs)
	if err != nil {
		return nil, fmt.Errorf("encode inputs of %s %s: %w", typ, id, err)
	}
	out, err := encodeProps(outputs)
	if err != nil {
		return nil, fmt.Errorf("encode outputs of %s %s: %w", typ, id, err)
	}
	return &Object{Type: typ, ID: id, Name: name, Inputs: in, Outputs: out}, nil
}

// Put adds o to the world as a new resource (replacing one of its type
// and ID).
func (w *World) Put(o *Object) {
	w.Serial++
	o.Created = w.Serial
	w.Resources[key(o.Type, o.ID)] = o
}

// Get returns the resource of type typ and ID id, or nil.
func (w *World) Get(typ, id string) *Object { return w.Resources[key(typ, id)] }

// Find returns the resource of type typ whose physical name is name.
func (w *World) Find(typ, name string) *Object {
	for _, o := range w.Resources {
		if o.Type == typ && o.Name == name && name != "" {
			return o
		}
	}
	return nil
}

// OfType returns the resources of type typ, sorted by ID.
func (w *World) OfType(typ string) []*Object {
	var out []*Object
	for _, o := range w.Resources {
		if o.Type == typ {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b *Object) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}

// Props decodes a stored property map.
func Props(raw json.RawMessage) (resource.PropertyMap, error) {
	if len(raw) == 0 {
		return resource.PropertyMap{}, nil
	}
	var s structpb.Struct
	if err := protojson.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("decode stored properties: %w", err)
	}
	return plugin.UnmarshalProperties(&s, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true, KeepResources: true})
}

func encodeProps(props resource.PropertyMap) (json.RawMessage, error) {
	s, err := plugin.MarshalProperties(props, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true, KeepResources: true})
	if err != nil {
		return nil, err
	}
	return protojson.Marshal(s)
}

// Store keeps an account's World.
type Store interface {
	// View runs fn on the world as it is; what fn changes is not kept.
	View(fn func(*World) error) error
	// Change runs fn on the world and keeps what it changed when it
	// returns nil.
	Change(fn func(*World) error) error
}

// FileStore keeps the world in the JSON file it names, which outlives
// stacks and processes as an AWS account does: every provider plugin
// process of an engine test shares it.
type FileStore string

// View runs fn on the world in the file.
func (f FileStore) View(fn func(*World) error) error {
	w, err := Load(string(f))
	if err != nil {
		return err
	}
	return fn(w)
}

// Change runs fn on the world in the file, under its lock.
func (f FileStore) Change(fn func(*World) error) error { return Update(string(f), fn) }

// MemoryStore keeps the world in memory, for one run (the offline plan).
type MemoryStore struct {
	mu    sync.Mutex
	world *World
}

// NewMemoryStore returns a store holding an empty account.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{world: &World{Resources: map[string]*Object{}}}
}

// View runs fn on the world.
func (m *MemoryStore) View(fn func(*World) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fn(m.world)
}

// Change runs fn on the world. A failing fn must leave the world as it
// was (the account's operations change it only once nothing can fail).
func (m *MemoryStore) Change(fn func(*World) error) error { return m.View(fn) }

// Update runs fn on the world in the state file at path, under an
// exclusive lock, and writes the world back when fn succeeds. A missing
// file is an empty account.
func Update(path string, fn func(*World) error) error {
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("fake aws: lock state: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("fake aws: lock state: %w", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing the file unlocks too

	w, err := Load(path)
	if err != nil {
		return err
	}
	if err := fn(w); err != nil {
		return err
	}
	data, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return fmt.Errorf("fake aws: encode state: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("fake aws: write state: %w", err)
	}
	return os.Rename(tmp, path)
}

// Load reads the world at path without locking it (for tests that only
// look).
func Load(path string) (*World, error) {
	w := &World{Resources: map[string]*Object{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return w, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fake aws: read state: %w", err)
	}
	if err := json.Unmarshal(data, w); err != nil {
		return nil, fmt.Errorf("fake aws: parse state %s: %w", path, err)
	}
	if w.Resources == nil {
		w.Resources = map[string]*Object{}
	}
	return w, nil
}
