package fakeaws

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Check validates the inputs against the real provider's input types and
// names the resource when the program left its name out, with the digits
// the bridged provider would draw from the engine's random seed
// (Account.Check).
func (p *Provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	typ, name := urnParts(req.GetUrn())
	inputsType, err := inputsOf(p.pkg, typ)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	news, olds, err := unmarshalBoth(req.GetNews(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	var failures []Failure
	if p.account == nil {
		failures = inputFailures(typ, inputsType, news)
	} else {
		digits, err := SeedDigits(req.GetRandomSeed())
		if err != nil {
			return nil, err
		}
		if news, failures, err = p.account.Check(typ, name, news, olds, digits); err != nil {
			return nil, err
		}
	}
	inputs, err := mustMarshal(news)
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.CheckResponse{Inputs: inputs}
	for _, f := range failures {
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Property: f.Property, Reason: f.Reason})
	}
	return resp, nil
}

// Diff compares the old and new inputs (Account.Diff). Every input of a
// random resource forces a new value (randomTypes).
func (p *Provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	typ, _ := urnParts(req.GetUrn())
	oldInputs, err := oldInputsOf(req.GetOldInputs(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	olds, news, err := unmarshalBoth(req.GetOlds(), req.GetNews())
	if err != nil {
		return nil, err
	}
	d := Diff{Changed: changedInputs(oldInputs, news)}
	if p.account == nil {
		d.Replaces = d.Changed
	} else if d, err = p.account.Diff(typ, oldInputs, olds, news); err != nil {
		return nil, err
	}
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, Diffs: d.Changed, Replaces: d.Replaces,
		DeleteBeforeReplace: d.DeleteBeforeReplace}
	if len(d.Changed) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return resp, nil
}

// Create makes the resource (Account.Create; RandomOutputs for random).
// A preview makes nothing.
func (p *Provider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	typ, name := urnParts(req.GetUrn())
	if req.GetPreview() {
		return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
	}
	inputs, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	var id string
	var state resource.PropertyMap
	if p.account == nil {
		id = name + "-" + RandomDigits()
		state, err = RandomOutputs(typ, inputs, rand.Reader)
	} else {
		id, state, err = p.account.Create(typ, name, inputs, RandomDigits())
		if err == nil && p.account.Waits(typ) {
			<-ctx.Done()
			return nil, fmt.Errorf("creating %s (%s): still waiting when stopped: %w", typ, id, ctx.Err())
		}
	}
	if err != nil {
		return nil, err
	}
	props, err := mustMarshal(state)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

// Read returns the resource as it exists (for import and refresh), or no
// ID when it does not. Random values exist only in the stack's state.
func (p *Provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if p.account == nil {
		return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
	}
	typ, _ := urnParts(req.GetUrn())
	ins, state, found, err := p.account.Read(typ, req.GetId())
	if err != nil || !found {
		return &pulumirpc.ReadResponse{}, err
	}
	props, err := mustMarshal(state)
	if err != nil {
		return nil, err
	}
	inputs, err := mustMarshal(ins)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: props, Inputs: inputs}, nil
}

// Update changes the resource in place (Account.Update); a random one
// only in the stack's state.
func (p *Provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	typ, _ := urnParts(req.GetUrn())
	news, olds, err := unmarshalBoth(req.GetNews(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	oldInputs, err := oldInputsOf(req.GetOldInputs(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	var state resource.PropertyMap
	if p.account == nil {
		state = olds.Copy()
		for k, v := range news {
			state[k] = v
		}
	} else if state, err = p.account.Update(typ, req.GetId(), oldInputs, olds, news, req.GetPreview()); err != nil {
		return nil, err
	}
	props, err := mustMarshal(state)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

// Delete removes the resource (Account.Delete).
func (p *Provider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if p.account != nil {
		typ, _ := urnParts(req.GetUrn())
		if err := p.account.Delete(typ, req.GetId()); err != nil {
			return nil, err
		}
		if p.account.Waits(typ) {
			<-ctx.Done()
			return nil, fmt.Errorf("deleting %s (%s): still waiting when stopped: %w", typ, req.GetId(), ctx.Err())
		}
	}
	return &emptypb.Empty{}, nil
}
