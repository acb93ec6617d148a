// Package fakeaws stands in for the pulumi-aws and pulumi-random provider
// plugins in the engine test, which cannot be had here. The real Pulumi
// engine drives it over the provider protocol exactly as it drives the
// real plugins. It checks every input against the real providers' input
// types (from their Go SDKs), and behaves like an AWS account in the ways
// the stack's lifecycle depends on: resources live in a state file that
// outlives stacks (World), a second resource with a name in use "already
// exists", protected tables refuse deletion, non-empty buckets refuse
// deletion, Read returns what exists (for import and refresh), and a
// change of a replace-forcing input replaces (TypeRule).
//
// It is test code: run it as the plugin binaries pulumi-resource-aws and
// pulumi-resource-random (see cmd/pulumi-resource-fake).
package fakeaws

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// AccountID is the fake account's ID.
const AccountID = "123456789012"

// Versions the fake plugins report: those of the SDKs the program uses
// (go.mod), so the engine's plugin version checks see what they expect.
const (
	AWSVersion    = "6.83.4"
	RandomVersion = "4.19.2"
)

// Provider is the fake plugin of one package, "aws" or "random".
type Provider struct {
	pulumirpc.UnimplementedResourceProviderServer

	pkg       string
	statePath string

	mu          sync.Mutex
	region      string
	defaultTags resource.PropertyMap
}

// NewProvider returns the fake plugin of pkg ("aws" or "random"); the aws
// one keeps its account in the state file at statePath.
func NewProvider(pkg, statePath string) (*Provider, error) {
	if pkg != "aws" && pkg != "random" {
		return nil, fmt.Errorf("fake provider: no package %q (aws or random)", pkg)
	}
	if pkg == "aws" && statePath == "" {
		return nil, fmt.Errorf("fake provider: set %s to the fake account's state file", StateFileEnv)
	}
	return &Provider{pkg: pkg, statePath: statePath, region: "us-east-1"}, nil
}

var marshal = plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true, KeepResources: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, marshal)
}

// oldInputsOf decodes a request's old inputs, or its old state when the
// engine sent no inputs.
func oldInputsOf(inputs, state *structpb.Struct) (resource.PropertyMap, error) {
	if inputs == nil {
		return unmarshal(state)
	}
	return unmarshal(inputs)
}

// unmarshalBoth decodes two property maps of one request.
func unmarshalBoth(a, b *structpb.Struct) (resource.PropertyMap, resource.PropertyMap, error) {
	pa, err := unmarshal(a)
	if err != nil {
		return nil, nil, err
	}
	pb, err := unmarshal(b)
	return pa, pb, err
}

func mustMarshal(props resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(props, marshal)
}

func (p *Provider) version() string {
	if p.pkg == "aws" {
		return AWSVersion
	}
	return RandomVersion
}

// GetPluginInfo reports the SDK's version.
func (p *Provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: p.version()}, nil
}

// Handshake accepts secrets and resource references, as the real
// (bridged) providers do.
func (p *Provider) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// GetSchema returns a minimal schema naming the package.
func (p *Provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":%q,"version":%q}`, p.pkg, p.version())}, nil
}

// CheckConfig checks the provider's own inputs against its ProviderArgs.
func (p *Provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	for k := range news {
		// The engine's own keys, and config values arrive as JSON text, so
		// only the names are checked here.
		if k == "version" || k == "pluginDownloadURL" || strings.HasPrefix(string(k), "__") {
			continue
		}
		if _, ok := fieldByTag(resourceInputs["pulumi:providers:"+p.pkg], string(k)); !ok {
			failures = append(failures, &pulumirpc.CheckFailure{Property: string(k), Reason: "not a setting of the " + p.pkg + " provider"})
		}
	}
	return &pulumirpc.CheckResponse{Inputs: req.GetNews(), Failures: failures}, nil
}

// DiffConfig reports a change of the provider's settings as an update.
func (p *Provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, news, err := unmarshalBoth(req.GetOldInputs(), req.GetNews())
	if err != nil {
		return nil, err
	}
	delete(olds, "version")
	delete(news, "version")
	if olds.DeepEquals(news) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME}, nil
}

// Configure takes the region and the default tags, and refuses an account
// outside allowedAccountIds.
func (p *Provider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if r, ok := args["region"]; ok && r.IsString() && r.StringValue() != "" {
		p.region = r.StringValue()
	}
	if tags, ok := args["defaultTags"]; ok {
		if tags.IsString() { // config values may arrive as JSON text
			if decoded, err := decodeJSONProperty(tags.StringValue()); err == nil {
				tags = decoded
			}
		}
		if tags.IsObject() {
			if inner, ok := tags.ObjectValue()["tags"]; ok && inner.IsObject() {
				p.defaultTags = inner.ObjectValue()
			}
		}
	}
	// As the real provider: credentials of an account outside
	// allowedAccountIds are refused before anything is read or changed.
	if allowed, ok := args["allowedAccountIds"]; ok {
		if allowed.IsString() {
			if decoded, err := decodeJSONProperty(allowed.StringValue()); err == nil {
				allowed = decoded
			}
		}
		if allowed.IsArray() && len(allowed.ArrayValue()) > 0 && !slices.ContainsFunc(allowed.ArrayValue(), func(v resource.PropertyValue) bool {
			return v.IsString() && v.StringValue() == AccountID
		}) {
			return nil, fmt.Errorf("AWS account ID not allowed: %s", AccountID)
		}
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

// Cancel has nothing to stop.
func (p *Provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *Provider) rule(typ string) (TypeRule, error) {
	if p.pkg == "random" {
		return TypeRule{}, nil
	}
	r, ok := rules[typ]
	if !ok {
		return r, fmt.Errorf("fake aws: type %s is not modelled; add its rule to ops/fakeaws/rules.go and its inputs to schema.go", typ)
	}
	return r, nil
}

// Check validates the inputs against the real provider's input types and
// names the resource when the program left its name out (autonaming: the
// old name is kept, else "<logical name>-<7 hex>" from the engine's seed).
func (p *Provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	urn := resource.URN(req.GetUrn())
	typ := string(urn.Type())
	inputsType, ok := resourceInputs[typ]
	if !ok {
		return nil, status.Errorf(codes.InvalidArgument, "fake %s: type %s is not modelled; add it to ops/fakeaws/schema.go", p.pkg, typ)
	}
	rule, err := p.rule(typ)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	news, olds, err := unmarshalBoth(req.GetNews(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	for _, problem := range checkInputs(inputsType, news) {
		prop, _, _ := strings.Cut(problem, ":")
		failures = append(failures, &pulumirpc.CheckFailure{Property: prop, Reason: typ + " " + problem})
	}
	if rule.AutoName != "" {
		key := resource.PropertyKey(rule.AutoName)
		if _, set := news[key]; !set {
			name := olds[key]
			if !name.IsString() {
				name = resource.NewProperty(autoName(urn.Name(), req.GetRandomSeed(), rule.AutoNameMaxLength))
			}
			news[key] = name
			news["__defaults"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(rule.AutoName)})
		}
	}
	inputs, err := mustMarshal(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, nil
}

func autoName(name string, seed []byte, max int) string {
	suffix := make([]byte, 4)
	if len(seed) >= 4 {
		copy(suffix, seed)
	} else {
		_, _ = rand.Read(suffix)
	}
	s := name + "-" + hex.EncodeToString(suffix)[:7]
	if max > 0 && len(s) > max {
		s = s[len(s)-max:]
	}
	return s
}

// autonamed reports whether the provider chose the value of prop.
func autonamed(inputs resource.PropertyMap, prop string) bool {
	d, ok := inputs["__defaults"]
	if !ok || !d.IsArray() {
		return false
	}
	return slices.ContainsFunc(d.ArrayValue(), func(v resource.PropertyValue) bool { return v.IsString() && v.StringValue() == prop })
}

// Diff compares the old and new inputs: a change of a replace-forcing path
// replaces, any other change updates. Like the bridged provider, a
// resource the program names itself is deleted before its replacement is
// created (the names would clash). A change of the provider's default
// tags is an update of tagsAll.
func (p *Provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	typ := string(resource.URN(req.GetUrn()).Type())
	rule, err := p.rule(typ)
	if err != nil {
		return nil, err
	}
	oldInputs, err := oldInputsOf(req.GetOldInputs(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	olds, news, err := unmarshalBoth(req.GetOlds(), req.GetNews())
	if err != nil {
		return nil, err
	}
	var diffs, replaces []string
	keys := map[resource.PropertyKey]bool{}
	for k := range oldInputs {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	for k := range keys {
		if strings.HasPrefix(string(k), "__") {
			continue
		}
		if !equalValues(oldInputs[k], news[k]) {
			diffs = append(diffs, string(k))
		}
	}
	if p.pkg == "random" {
		// Every input of RandomBytes and RandomPassword forces a new value
		// (pulumi-random: "Changing this forces a new resource" on each).
		replaces = diffs
	} else {
		for _, path := range rule.ReplaceOnChanges {
			if !equalValues(atPath(oldInputs, path), atPath(news, path)) {
				replaces = append(replaces, strings.Split(path, ".")[0])
			}
		}
		have := olds["tagsAll"]
		if have.IsNull() {
			have = resource.NewObjectProperty(resource.PropertyMap{})
		}
		if hasTags(typ) && !equalValues(have, p.tagsAll(news)) {
			diffs = append(diffs, "tagsAll")
		}
	}
	slices.Sort(diffs)
	replaces = slices.Compact(slices.Sorted(slices.Values(replaces)))
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, Diffs: diffs, Replaces: replaces}
	if len(diffs) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	if len(replaces) > 0 && rule.AutoName != "" && !autonamed(news, rule.AutoName) {
		resp.DeleteBeforeReplace = true
	}
	return resp, nil
}

// equalValues compares two values; an unknown value may change anything.
func equalValues(a, b resource.PropertyValue) bool {
	if a.ContainsUnknowns() || b.ContainsUnknowns() {
		return false
	}
	return unwrap(a).DeepEquals(unwrap(b))
}

// unwrap drops secret markers: a value that became secret is the same
// value.
func unwrap(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return unwrap(v.SecretValue().Element)
	case v.IsArray():
		items := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, item := range v.ArrayValue() {
			items[i] = unwrap(item)
		}
		return resource.NewProperty(items)
	case v.IsObject():
		m := resource.PropertyMap{}
		for k, item := range v.ObjectValue() {
			m[k] = unwrap(item)
		}
		return resource.NewObjectProperty(m)
	}
	return v
}

// atPath projects props onto a dotted path; through a list it projects
// every element.
func atPath(props resource.PropertyMap, path string) resource.PropertyValue {
	head, rest, nested := strings.Cut(path, ".")
	v := props[resource.PropertyKey(head)]
	if !nested {
		return v
	}
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	switch {
	case v.IsObject():
		return atPath(v.ObjectValue(), rest)
	case v.IsArray():
		items := make([]resource.PropertyValue, 0, len(v.ArrayValue()))
		for _, item := range v.ArrayValue() {
			for item.IsSecret() {
				item = item.SecretValue().Element
			}
			if item.IsObject() {
				items = append(items, atPath(item.ObjectValue(), rest))
			} else {
				items = append(items, resource.NewNullProperty())
			}
		}
		return resource.NewProperty(items)
	}
	return v
}

func hasTags(typ string) bool {
	t, ok := resourceInputs[typ]
	if !ok {
		return false
	}
	_, tagged := fieldByTag(t, "tags")
	return tagged
}

// tagsAll is the provider's default tags overlaid with the resource's own.
func (p *Provider) tagsAll(inputs resource.PropertyMap) resource.PropertyValue {
	p.mu.Lock()
	all := p.defaultTags.Copy()
	p.mu.Unlock()
	if all == nil {
		all = resource.PropertyMap{}
	}
	if own, ok := inputs["tags"]; ok && own.IsObject() {
		for k, v := range own.ObjectValue() {
			all[k] = v
		}
	}
	return resource.NewObjectProperty(all)
}

func (p *Provider) urnParts(urn string) (typ, name string) {
	u := resource.URN(urn)
	return string(u.Type()), u.Name()
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:7]
}
