package fakeaws

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Failure is an input the provider refuses in Check: its property and why.
type Failure struct{ Property, Reason string }

// Check validates the inputs news of a resource of type typ and logical
// name logical (olds: its inputs before, nil for a new one) against the
// real provider's input types, and names the resource when the program
// left its name out, as pulumi-aws does: the old name kept, else
// autoName with digits. It returns the inputs to make the resource with
// and the refused inputs.
func (a *Account) Check(typ, logical string, news, olds resource.PropertyMap, digits string) (resource.PropertyMap, []Failure, error) {
	t, err := awsType(typ)
	if err != nil {
		return nil, nil, err
	}
	news = news.Copy()
	failures := inputFailures(typ, t.args.ElementType(), news)
	key := resource.PropertyKey(t.autoName)
	if t.autoName == "" || !news[key].IsNull() {
		return news, failures, nil
	}
	name := olds[key]
	if !name.IsString() {
		n, err := autoName(logical, t.autoNameMaxLength, digits)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", typ, logical, err)
		}
		name = resource.NewProperty(n)
	}
	news[key] = name
	news["__defaults"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(t.autoName)})
	return news, failures, nil
}

// Diff is what a change of a resource's inputs does.
type Diff struct {
	// Changed are the inputs that change (and tagsAll when the tags do),
	// sorted.
	Changed []string
	// Replaces are the changed inputs that only a new resource can have,
	// sorted.
	Replaces []string
	// DeleteBeforeReplace: the old resource must go before the new one is
	// made, since the program names it (the names would clash), as the
	// bridged provider decides.
	DeleteBeforeReplace bool
}

// Diff compares a resource's old inputs and state (olds) with its new
// inputs: a change of a replace-forcing path replaces, any other change
// updates, and a change of the provider's default tags updates tagsAll.
func (a *Account) Diff(typ string, oldInputs, olds, news resource.PropertyMap) (Diff, error) {
	t, err := awsType(typ)
	if err != nil {
		return Diff{}, err
	}
	d := Diff{Changed: changedInputs(oldInputs, news)}
	for _, path := range t.replaceOnChanges {
		if !equalValues(atPath(oldInputs, path), atPath(news, path)) {
			head, _, _ := strings.Cut(path, ".")
			d.Replaces = append(d.Replaces, head)
		}
	}
	if hasTags(t) {
		have := olds["tagsAll"]
		if have.IsNull() {
			have = resource.NewObjectProperty(resource.PropertyMap{})
		}
		if !equalValues(have, a.TagsAll(news["tags"])) {
			d.Changed = append(d.Changed, "tagsAll")
		}
	}
	slices.Sort(d.Changed)
	d.Replaces = slices.Compact(slices.Sorted(slices.Values(d.Replaces)))
	d.DeleteBeforeReplace = len(d.Replaces) > 0 && t.autoName != "" && !autonamed(news, t.autoName)
	return d, nil
}

// changedInputs are the inputs whose values differ between olds and
// news (the engine's "__" keys left out).
func changedInputs(olds, news resource.PropertyMap) []string {
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var changed []string
	for k := range keys {
		if !strings.HasPrefix(string(k), "__") && !equalValues(olds[k], news[k]) {
			changed = append(changed, string(k))
		}
	}
	slices.Sort(changed)
	return changed
}

// autonamed reports whether the provider chose the value of prop.
func autonamed(inputs resource.PropertyMap, prop string) bool {
	d := inputs["__defaults"]
	return d.IsArray() && slices.ContainsFunc(d.ArrayValue(), func(v resource.PropertyValue) bool {
		return v.IsString() && v.StringValue() == prop
	})
}

// hasTags reports whether the type has tagsAll, the provider's default
// tags merged with its own (its SDK outputs say so).
func hasTags(t resourceType) bool {
	_, tagged := fieldByTag(t.state.ElementType(), "tagsAll")
	return tagged
}

// Create makes a resource of type typ and logical name logical from its
// checked inputs, with the outputs AWS computes (IDs and names ending in
// suffix), or fails as AWS would: a name in use "already exists", or the
// fault a test set for the type. It returns the resource's ID and state.
func (a *Account) Create(typ, logical string, inputs resource.PropertyMap, suffix string) (string, resource.PropertyMap, error) {
	return a.create(typ, logical, inputs, suffix, a.TagsAll(inputs["tags"]))
}

// Put makes a resource as someone other than the program's provider would
// (an earlier stack, a user): as Create, but tagged with its own tags
// only. It returns its ID.
func (a *Account) Put(typ, logical string, inputs resource.PropertyMap, suffix string) (string, error) {
	id, _, err := a.create(typ, logical, inputs, suffix, overlayTags(nil, inputs["tags"]))
	return id, err
}

func (a *Account) create(typ, logical string, inputs resource.PropertyMap, suffix string, tagsAll resource.PropertyValue) (string, resource.PropertyMap, error) {
	t, err := awsType(typ)
	if err != nil {
		return "", nil, err
	}
	m := &made{typ: typ, rt: t, logical: logical, suffix: suffix, region: a.Region(), state: inputs.Copy()}
	delete(m.state, "__defaults")
	if hasTags(t) {
		m.state["tagsAll"] = tagsAll
	}
	id := t.make(m)
	if m.err != nil {
		return "", nil, m.err
	}
	o, err := NewObject(typ, id, m.name(), inputs, m.state)
	if err != nil {
		return "", nil, err
	}
	if t.physicalName == "" {
		o.Name = ""
	}
	err = a.store.Change(func(w *World) error {
		if fault := w.Faults[typ]; fault != "" {
			return errors.New(fault)
		}
		existing := w.Get(typ, id)
		if !t.upsert {
			if o.Name != "" && w.Find(typ, o.Name) != nil {
				return alreadyExists(t, typ, o.Name)
			}
			if existing != nil {
				return alreadyExists(t, typ, id)
			}
		}
		if existing != nil { // a setting put again: the same setting, new values
			existing.Inputs, existing.Outputs = o.Inputs, o.Outputs
			return nil
		}
		w.Put(o)
		return nil
	})
	return id, m.state, err
}

// Waits reports whether creates of typ keep waiting (World.Waits).
func (a *Account) Waits(typ string) bool {
	var waits bool
	_ = a.store.View(func(w *World) error {
		waits = w.Waits[typ]
		return nil
	})
	return waits
}

// alreadyExists is the error of creating a second resource named name,
// worded as the service words it (the type's exists).
func alreadyExists(t resourceType, typ, name string) error {
	msg := t.exists
	if msg == "" {
		msg = "AlreadyExists: %s already exists"
	}
	if strings.Contains(msg, "%s") {
		msg = fmt.Sprintf(msg, name)
	}
	return fmt.Errorf("creating %s (%s): %s", typ, name, msg)
}

// Read returns the inputs and state of the resource of type typ and ID id
// as it exists in the account; found is false when it does not.
func (a *Account) Read(typ, id string) (inputs, state resource.PropertyMap, found bool, err error) {
	err = a.store.View(func(w *World) error {
		o := w.Get(typ, id)
		if o == nil {
			return nil
		}
		found = true
		if inputs, err = Props(o.Inputs); err != nil {
			return err
		}
		delete(inputs, "__defaults")
		state, err = Props(o.Outputs)
		return err
	})
	return inputs, state, found, err
}

// Update changes the resource of type typ and ID id in place: its new
// inputs, its computed outputs kept, tagsAll made again. A preview
// changes nothing. A change of an input only a replacement can change
// fails, as AWS refuses it: the engine replaces on those, so an update of
// one means the rules missed it.
func (a *Account) Update(typ, id string, oldInputs, olds, news resource.PropertyMap, preview bool) (resource.PropertyMap, error) {
	t, err := awsType(typ)
	if err != nil {
		return nil, err
	}
	outs := olds.Copy()
	for k, v := range news {
		outs[k] = v
	}
	delete(outs, "__defaults")
	if hasTags(t) {
		outs["tagsAll"] = a.TagsAll(news["tags"])
	}
	if t.updated != nil && len(changedInputs(oldInputs, news)) > 0 {
		t.updated(outs, preview)
	}
	if preview {
		return outs, nil
	}
	for _, path := range append(slices.Clip(t.replaceOnChanges), t.physicalName) {
		if path != "" && !equalValues(atPath(oldInputs, path), atPath(news, path)) {
			return nil, fmt.Errorf("updating %s (%s): %s cannot change in place", typ, id, path)
		}
	}
	err = a.store.Change(func(w *World) error {
		o := w.Get(typ, id)
		if o == nil {
			return fmt.Errorf("updating %s (%s): NotFound: it does not exist", typ, id)
		}
		if t.onUpdate != nil {
			if err := t.onUpdate(w, oldInputs, news); err != nil {
				return fmt.Errorf("updating %s (%s): %w", typ, id, err)
			}
		}
		updated, err := NewObject(typ, id, o.Name, news, outs)
		if err != nil {
			return err
		}
		o.Inputs, o.Outputs = updated.Inputs, updated.Outputs
		return nil
	})
	return outs, err
}

// Delete removes the resource of type typ and ID id, or fails as AWS
// would (the type's refuseDelete). A resource already gone is no error,
// as the bridged provider treats it.
func (a *Account) Delete(typ, id string) error {
	t, err := awsType(typ)
	if err != nil {
		return err
	}
	return a.store.Change(func(w *World) error {
		o := w.Get(typ, id)
		if o == nil {
			return nil
		}
		if t.refuseDelete != nil {
			if err := t.refuseDelete(w, o); err != nil {
				return err
			}
		}
		delete(w.Resources, key(typ, id))
		return nil
	})
}

// inputFailures are the inputs of props the input struct typ refuses.
func inputFailures(typ string, inputs reflect.Type, props resource.PropertyMap) []Failure {
	var failures []Failure
	for _, problem := range checkInputs(inputs, props) {
		prop, _, _ := strings.Cut(problem, ":")
		failures = append(failures, Failure{Property: prop, Reason: typ + " " + problem})
	}
	return failures
}
