package fakeaws

import (
	"context"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// StateFileEnv names the environment variable holding the path of the
// fake account's state: a JSON file that outlives stacks and provider
// processes, as an AWS account does. The engine passes its environment on
// to the provider plugins.
const StateFileEnv = "FAKE_AWS_STATE"

// Versions the fake plugins report: those the SDKs the program uses
// (go.mod) ask the engine for, so its plugin version checks see what they
// expect (TestPluginVersionsAreTheSDKs).
const (
	AWSVersion    = "6.83.4"
	RandomVersion = "4.19.2"
)

// Provider is the fake plugin of one package, "aws" or "random": a thin
// adapter from the provider protocol to the fake account (aws) or to
// RandomOutputs (random, whose values exist only in the stack's state).
type Provider struct {
	pulumirpc.UnimplementedResourceProviderServer

	pkg     string
	account *Account // nil for random
}

// NewProvider returns the fake plugin of pkg ("aws" or "random"); the aws
// one answers from the account kept in the state file at statePath.
func NewProvider(pkg, statePath string) (*Provider, error) {
	switch {
	case pkg == "random":
		return &Provider{pkg: pkg}, nil
	case pkg != "aws":
		return nil, fmt.Errorf("fake provider: no package %q (aws or random)", pkg)
	case statePath == "":
		return nil, fmt.Errorf("fake provider: set %s to the fake account's state file", StateFileEnv)
	}
	return &Provider{pkg: pkg, account: NewAccount(FileStore(statePath))}, nil
}

var marshal = plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true, KeepResources: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, marshal)
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

// oldInputsOf decodes a request's old inputs, or its old state when the
// engine sent no inputs.
func oldInputsOf(inputs, state *structpb.Struct) (resource.PropertyMap, error) {
	if inputs == nil {
		return unmarshal(state)
	}
	return unmarshal(inputs)
}

func mustMarshal(props resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(props, marshal)
}

func urnParts(urn string) (typ, name string) {
	u := resource.URN(urn)
	return string(u.Type()), u.Name()
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

// CheckConfig checks the names of the provider's own settings against its
// ProviderArgs (config values arrive as JSON text, so only the names).
func (p *Provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	for k := range news {
		// The engine's own keys.
		if k == "version" || k == "pluginDownloadURL" || strings.HasPrefix(string(k), "__") {
			continue
		}
		if _, ok := fieldByTag(providerSettings[p.pkg], string(k)); !ok {
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

// Configure hands the aws provider's settings to the account (Account.Configure).
func (p *Provider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	if p.account != nil {
		if err := p.account.Configure(args); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

// Cancel has nothing to stop.
func (p *Provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Invoke answers the data sources the program calls, from the account.
func (p *Provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	if p.account == nil {
		return nil, fmt.Errorf("fake %s: invoke %s is not modelled", p.pkg, req.GetTok())
	}
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	result, err := p.account.Invoke(req.GetTok(), args)
	if err != nil {
		return nil, err
	}
	ret, err := mustMarshal(result)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}
