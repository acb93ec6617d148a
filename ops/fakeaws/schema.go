package fakeaws

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// sdkType is a pulumi-aws or pulumi-random Args or State type: its
// ElementType is the plain struct whose `pulumi:"..."` tags are the
// provider's input (or output) names, with their Go types. That struct is
// generated from the provider's own schema, so checking values against it
// checks them against the real provider's names and types, not against
// our idea of them.
type sdkType interface{ ElementType() reflect.Type }

// providerSettings are the providers' own inputs (their config).
var providerSettings = map[string]reflect.Type{
	"aws":    aws.ProviderArgs{}.ElementType(),
	"random": random.ProviderArgs{}.ElementType(),
}

// inputsOf is the input struct of a resource type of package pkg ("aws"
// or "random"), or an error that says where to model it.
func inputsOf(pkg, typ string) (reflect.Type, error) {
	if pkg == "random" {
		t, ok := randomTypes[typ]
		if !ok {
			return nil, fmt.Errorf("fake random: type %s is not modelled; add it to ops/fakeaws/random.go", typ)
		}
		return t.args.ElementType(), nil
	}
	t, err := awsType(typ)
	if err != nil {
		return nil, err
	}
	return t.args.ElementType(), nil
}

// checkInputs reports every input of props that the struct typ does not
// declare, or declares with another type, as "<path>: <problem>". Unknown
// values (computed during a preview) match any type; secrets are checked
// by their element. Keys starting with "__" are the engine's and the
// providers' own metadata and are not inputs.
func checkInputs(typ reflect.Type, props resource.PropertyMap) []string {
	var problems []string
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range props {
			if !yield(string(k)) {
				return
			}
		}
	}) {
		if strings.HasPrefix(key, "__") {
			continue
		}
		field, ok := fieldByTag(typ, key)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: not an input of this type", key))
			continue
		}
		problems = append(problems, checkValue(key, field, props[resource.PropertyKey(key)])...)
	}
	return problems
}

// fieldByTag finds the field of struct typ tagged `pulumi:"name"`.
func fieldByTag(typ reflect.Type, name string) (reflect.Type, bool) {
	for i := range typ.NumField() {
		f := typ.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); tag == name {
			return f.Type, true
		}
	}
	return nil, false
}

var (
	assetType          = reflect.TypeOf((*pulumi.Asset)(nil)).Elem()
	archiveType        = reflect.TypeOf((*pulumi.Archive)(nil)).Elem()
	assetOrArchiveType = reflect.TypeOf((*pulumi.AssetOrArchive)(nil)).Elem()
)

func checkValue(path string, typ reflect.Type, v resource.PropertyValue) []string {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsComputed() || v.IsOutput() || v.IsNull() {
		return nil
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	wrong := func(want string) []string {
		return []string{fmt.Sprintf("%s: want %s, got %s", path, want, v.TypeString())}
	}
	switch {
	case typ == assetOrArchiveType:
		if !v.IsAsset() && !v.IsArchive() {
			return wrong("an asset or archive")
		}
		return nil
	case typ == archiveType:
		if !v.IsArchive() {
			return wrong("an archive")
		}
		return nil
	case typ == assetType:
		if !v.IsAsset() {
			return wrong("an asset")
		}
		return nil
	}
	switch typ.Kind() {
	case reflect.String:
		if !v.IsString() {
			return wrong("a string")
		}
	case reflect.Bool:
		if !v.IsBool() {
			return wrong("a boolean")
		}
	case reflect.Int, reflect.Int64, reflect.Float64:
		if !v.IsNumber() {
			return wrong("a number")
		}
	case reflect.Slice:
		if !v.IsArray() {
			return wrong("a list")
		}
		var problems []string
		for i, item := range v.ArrayValue() {
			problems = append(problems, checkValue(fmt.Sprintf("%s[%d]", path, i), typ.Elem(), item)...)
		}
		return problems
	case reflect.Map:
		if !v.IsObject() {
			return wrong("a map")
		}
		var problems []string
		for k, item := range v.ObjectValue() {
			problems = append(problems, checkValue(path+"."+string(k), typ.Elem(), item)...)
		}
		return problems
	case reflect.Struct:
		if !v.IsObject() {
			return wrong("an object")
		}
		var problems []string
		for _, p := range checkInputs(typ, v.ObjectValue()) {
			problems = append(problems, path+"."+p)
		}
		return problems
	case reflect.Interface:
		return nil // an untyped input (interface{}): any value
	default:
		return []string{fmt.Sprintf("%s: the fake provider cannot check Go type %s", path, typ)}
	}
	return nil
}
