package fakeaws

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// alreadyExists words the error AWS gives for a name in use, per type
// (the error codes of each service's API reference).
var alreadyExists = map[string]string{
	"aws:dynamodb/table:Table":         "ResourceInUseException: Table already exists: %s",
	"aws:ssm/parameter:Parameter":      "ParameterAlreadyExists: The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
	"aws:s3/bucketV2:BucketV2":         "BucketAlreadyOwnedByYou: Your previous request to create the named bucket succeeded and you already own it.",
	"aws:iam/role:Role":                "EntityAlreadyExists: Role with name %s already exists.",
	"aws:cloudwatch/logGroup:LogGroup": "ResourceAlreadyExistsException: The specified log group already exists",
	"aws:lambda/function:Function":     "ResourceConflictException: Function already exist: %s",
}

func alreadyExistsError(typ, name string) error {
	msg, ok := alreadyExists[typ]
	if !ok {
		msg = "AlreadyExists: %s already exists"
	}
	if containsVerb(msg) {
		msg = fmt.Sprintf(msg, name)
	}
	return fmt.Errorf("creating %s (%s): %s", typ, name, msg)
}

func containsVerb(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 's' {
			return true
		}
	}
	return false
}

func physicalName(rule TypeRule, inputs resource.PropertyMap) string {
	if rule.PhysicalName == "" {
		return ""
	}
	v := unwrap(inputs[resource.PropertyKey(rule.PhysicalName)])
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// Create makes the resource in the account, or fails as AWS would: a name
// in use "already exists". A preview creates nothing.
func (p *Provider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	typ, name := p.urnParts(req.GetUrn())
	inputs, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
	}
	if p.pkg == "random" {
		outs, err := randomOutputs(typ, inputs)
		if err != nil {
			return nil, err
		}
		props, err := mustMarshal(outs)
		if err != nil {
			return nil, err
		}
		return &pulumirpc.CreateResponse{Id: name + "-" + randomSuffix(), Properties: props}, nil
	}
	rule, err := p.rule(typ)
	if err != nil {
		return nil, err
	}
	outs := inputs.Copy()
	delete(outs, "__defaults")
	if hasTags(typ) {
		outs["tagsAll"] = p.tagsAll(inputs)
	}
	p.mu.Lock()
	region := p.region
	p.mu.Unlock()
	id := Computed(typ, name, randomSuffix(), region, AccountID, outs)
	phys := physicalName(rule, inputs)

	err = Update(p.statePath, func(w *World) error {
		if fault := w.Faults[typ]; fault != "" {
			return errors.New(fault)
		}
		existing := w.Resources[key(typ, id)]
		if !rule.Upsert {
			if phys != "" && w.Find(typ, phys) != nil {
				return alreadyExistsError(typ, phys)
			}
			if existing != nil {
				return alreadyExistsError(typ, id)
			}
		}
		in, err := encodeProps(inputs)
		if err != nil {
			return err
		}
		out, err := encodeProps(outs)
		if err != nil {
			return err
		}
		if existing != nil { // a setting put again: the same setting, new values
			existing.Inputs, existing.Outputs = in, out
			return nil
		}
		w.Serial++
		w.Resources[key(typ, id)] = &Object{Type: typ, ID: id, Name: phys, Created: w.Serial, Inputs: in, Outputs: out}
		return nil
	})
	if err != nil {
		return nil, err
	}
	props, err := mustMarshal(outs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

// Read returns the resource as it exists (for import and refresh), or no
// ID when it does not.
func (p *Provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if p.pkg == "random" {
		// Random values exist only in the stack's state.
		return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
	}
	typ, _ := p.urnParts(req.GetUrn())
	w, err := Load(p.statePath)
	if err != nil {
		return nil, err
	}
	o := w.Resources[key(typ, req.GetId())]
	if o == nil {
		return &pulumirpc.ReadResponse{}, nil
	}
	outs, err := Props(o.Outputs)
	if err != nil {
		return nil, err
	}
	ins, err := Props(o.Inputs)
	if err != nil {
		return nil, err
	}
	delete(ins, "__defaults")
	props, err := mustMarshal(outs)
	if err != nil {
		return nil, err
	}
	inputs, err := mustMarshal(ins)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: o.ID, Properties: props, Inputs: inputs}, nil
}

// Update changes the resource in place: new inputs, the computed outputs
// kept.
func (p *Provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	typ, _ := p.urnParts(req.GetUrn())
	news, olds, err := unmarshalBoth(req.GetNews(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	outs := olds.Copy()
	for k, v := range news {
		outs[k] = v
	}
	delete(outs, "__defaults")
	if p.pkg == "aws" && hasTags(typ) {
		outs["tagsAll"] = p.tagsAll(news)
	}
	if req.GetPreview() || p.pkg == "random" {
		props, err := mustMarshal(outs)
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	if p.pkg == "aws" {
		// The engine replaces on these; an update of one means the rules
		// missed a replace-forcing input, which AWS would refuse too.
		rule, err := p.rule(typ)
		if err != nil {
			return nil, err
		}
		oldInputs, err := oldInputsOf(req.GetOldInputs(), req.GetOlds())
		if err != nil {
			return nil, err
		}
		paths := slices.Clip(rule.ReplaceOnChanges) // never append into the shared rule
		if rule.PhysicalName != "" {
			paths = append(paths, rule.PhysicalName)
		}
		for _, path := range paths {
			if !equalValues(atPath(oldInputs, path), atPath(news, path)) {
				return nil, fmt.Errorf("updating %s (%s): %s cannot change in place", typ, req.GetId(), path)
			}
		}
	}
	err = Update(p.statePath, func(w *World) error {
		o := w.Resources[key(typ, req.GetId())]
		if o == nil {
			return fmt.Errorf("updating %s (%s): NotFound: it does not exist", typ, req.GetId())
		}
		if o.Inputs, err = encodeProps(news); err != nil {
			return err
		}
		o.Outputs, err = encodeProps(outs)
		return err
	})
	if err != nil {
		return nil, err
	}
	props, err := mustMarshal(outs)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

// Delete removes the resource, or fails as AWS would: a table with
// deletion protection, a bucket that still holds objects.
func (p *Provider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if p.pkg == "random" {
		return &emptypb.Empty{}, nil
	}
	typ, _ := p.urnParts(req.GetUrn())
	err := Update(p.statePath, func(w *World) error {
		o := w.Resources[key(typ, req.GetId())]
		if o == nil {
			return nil // already gone, as the bridged provider treats it
		}
		ins, err := Props(o.Inputs)
		if err != nil {
			return err
		}
		switch typ {
		case "aws:dynamodb/table:Table":
			if v := unwrap(ins["deletionProtectionEnabled"]); v.IsBool() && v.BoolValue() {
				return fmt.Errorf("deleting DynamoDB Table (%s): ValidationException: Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.", o.ID)
			}
		case "aws:s3/bucketV2:BucketV2":
			force := unwrap(ins["forceDestroy"])
			for _, obj := range w.OfType("aws:s3/bucketObjectv2:BucketObjectv2") {
				objIns, err := Props(obj.Inputs)
				if err != nil {
					return err
				}
				if b := unwrap(objIns["bucket"]); b.IsString() && b.StringValue() == o.ID && !(force.IsBool() && force.BoolValue()) {
					return fmt.Errorf("deleting S3 Bucket (%s): BucketNotEmpty: The bucket you tried to delete is not empty", o.ID)
				}
			}
		}
		delete(w.Resources, key(typ, req.GetId()))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// randomOutputs makes the values pulumi-random would: RandomBytes' base64
// and hex, RandomPassword's result (letters and digits, plus punctuation
// unless special is false), all secret.
func randomOutputs(typ string, inputs resource.PropertyMap) (resource.PropertyMap, error) {
	outs := inputs.Copy()
	length := 0
	if l := unwrap(inputs["length"]); l.IsNumber() {
		length = int(l.NumberValue())
	}
	if length <= 0 {
		return nil, fmt.Errorf("%s: length must be a positive number", typ)
	}
	switch typ {
	case "random:index/randomBytes:RandomBytes":
		b := make([]byte, length)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		outs["base64"] = resource.MakeSecret(resource.NewProperty(base64.StdEncoding.EncodeToString(b)))
		outs["hex"] = resource.MakeSecret(resource.NewProperty(hex.EncodeToString(b)))
	case "random:index/randomPassword:RandomPassword":
		chars := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		if s := unwrap(inputs["special"]); !s.IsBool() || s.BoolValue() {
			chars += "!@#$%&*()-_=+[]{}<>:?"
		}
		out := make([]byte, length)
		for i := range out {
			n, err := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
			if err != nil {
				return nil, err
			}
			out[i] = chars[n.Int64()]
		}
		outs["result"] = resource.MakeSecret(resource.NewProperty(string(out)))
	default:
		return nil, fmt.Errorf("fake random: type %s is not modelled", typ)
	}
	return outs, nil
}

func decodeJSONProperty(text string) (resource.PropertyValue, error) {
	var v interface{}
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return resource.PropertyValue{}, err
	}
	return resource.NewPropertyValue(v), nil
}
