package pushstack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// providerConfigPage documents every aws:* setting and its shape.
const providerConfigPage = "https://www.pulumi.com/registry/packages/aws/installation-configuration/"

// newProvider registers the AWS provider every resource uses. It is the
// provider `pulumi` would make from the stack's aws:* config (every setting
// of aws.ProviderArgs the config holds reaches it: aws:region,
// aws:profile, aws:assumeRole, aws:allowedAccountIds, aws:endpoints, …),
// plus the stack's tags among its default tags (the user's aws:defaultTags
// kept, the stack's winning a clash: the take-over logic reads them).
// A setting of the wrong shape is a *stackconfig.Error naming its key.
func newProvider(ctx *pulumi.Context) (*aws.Provider, error) {
	args, err := providerArgs(ctx.GetConfig, ctx.IsConfigSecret, stackTags(ctx))
	if err != nil {
		return nil, err
	}
	p, err := aws.NewProvider(ctx, "aws", args)
	if err != nil {
		return nil, fmt.Errorf("aws provider: %w", err)
	}
	return p, nil
}

// providerArgs reads "aws:<field>" for each field of aws.ProviderArgs (the
// field name with its first letter lowered, as the provider's schema names
// its config) and converts the value, text as Pulumi hands config to a
// program, to the field's type: objects and lists are JSON. tags are added
// to the default tags.
func providerArgs(get func(key string) (string, bool), isSecret func(key string) bool, tags map[string]string) (*aws.ProviderArgs, error) {
	args := &aws.ProviderArgs{}
	v := reflect.ValueOf(args).Elem()
	var errs []error
	for i := range v.NumField() {
		field := v.Type().Field(i)
		key := "aws:" + ProviderSetting(field.Name)
		raw, ok := get(key)
		if !ok {
			continue
		}
		input, err := providerInput(field.Type, raw, tags)
		if err != nil {
			errs = append(errs, &stackconfig.Error{Key: key, Problem: err.Error(), Hint: settingHint(key, field.Type)})
			continue
		}
		if isSecret(key) {
			input = reflect.ValueOf(pulumi.ToSecret(input.Interface()))
		}
		if !input.Type().AssignableTo(field.Type) {
			return nil, fmt.Errorf("aws provider: %s: %s does not fit %s", key, input.Type(), field.Type)
		}
		v.Field(i).Set(input)
	}
	if args.DefaultTags == nil {
		args.DefaultTags = &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(tags)}
	}
	return args, errors.Join(errs...)
}

// ProviderSetting is the config name of an aws.ProviderArgs field:
// "AllowedAccountIds" is aws:allowedAccountIds.
func ProviderSetting(field string) string { return stackconfig.AWSSetting(field) }

// providerInput converts one setting's text to the input type t: scalars
// as text, objects and lists as JSON.
func providerInput(t reflect.Type, raw string, tags map[string]string) (reflect.Value, error) {
	switch t {
	case reflect.TypeFor[pulumi.StringPtrInput]():
		return reflect.ValueOf(pulumi.StringPtr(raw)), nil
	case reflect.TypeFor[pulumi.BoolPtrInput]():
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%q is not a boolean (true or false)", raw)
		}
		return reflect.ValueOf(pulumi.BoolPtr(b)), nil
	case reflect.TypeFor[pulumi.IntPtrInput]():
		n, err := strconv.Atoi(raw)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%q is not a whole number", raw)
		}
		return reflect.ValueOf(pulumi.IntPtr(n)), nil
	case reflect.TypeFor[aws.ProviderDefaultTagsPtrInput]():
		var plain struct {
			Tags map[string]text `json:"tags"`
		}
		if err := decodeSetting(json.RawMessage(raw), &plain); err != nil {
			return reflect.Value{}, err
		}
		all := map[string]string{}
		for k, v := range plain.Tags {
			all[k] = string(v)
		}
		maps.Copy(all, tags)
		return reflect.ValueOf(&aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(all)}), nil
	}
	return jsonInput(t, json.RawMessage(raw))
}

// providerObjects are the object settings, by input type: their Args type.
var providerObjects = map[reflect.Type]reflect.Type{
	reflect.TypeFor[aws.ProviderAssumeRolePtrInput]():                reflect.TypeFor[aws.ProviderAssumeRoleArgs](),
	reflect.TypeFor[aws.ProviderAssumeRoleWithWebIdentityPtrInput](): reflect.TypeFor[aws.ProviderAssumeRoleWithWebIdentityArgs](),
	reflect.TypeFor[aws.ProviderIgnoreTagsPtrInput]():                reflect.TypeFor[aws.ProviderIgnoreTagsArgs](),
}

// jsonInput converts a JSON value to the input type t. Objects become
// their Args type with only the fields given set, so nothing the user left
// out reaches the provider.
func jsonInput(t reflect.Type, raw json.RawMessage) (reflect.Value, error) {
	var input any
	switch t {
	case reflect.TypeFor[pulumi.StringPtrInput]():
		var s text
		if err := decodeSetting(raw, &s); err != nil {
			return reflect.Value{}, err
		}
		input = pulumi.StringPtr(string(s))
	case reflect.TypeFor[pulumi.BoolPtrInput]():
		var b bool
		if err := decodeSetting(raw, &b); err != nil {
			return reflect.Value{}, err
		}
		input = pulumi.BoolPtr(b)
	case reflect.TypeFor[pulumi.IntPtrInput]():
		var n int
		if err := decodeSetting(raw, &n); err != nil {
			return reflect.Value{}, err
		}
		input = pulumi.IntPtr(n)
	case reflect.TypeFor[pulumi.StringArrayInput]():
		var list []text
		if err := decodeSetting(raw, &list); err != nil {
			return reflect.Value{}, err
		}
		array := pulumi.StringArray{}
		for _, s := range list {
			array = append(array, pulumi.String(s))
		}
		input = array
	case reflect.TypeFor[pulumi.StringMapInput]():
		var m map[string]text
		if err := decodeSetting(raw, &m); err != nil {
			return reflect.Value{}, err
		}
		strs := pulumi.StringMap{}
		for k, s := range m {
			strs[k] = pulumi.String(s)
		}
		input = strs
	case reflect.TypeFor[aws.ProviderEndpointArrayInput]():
		var list []json.RawMessage
		if err := decodeSetting(raw, &list); err != nil {
			return reflect.Value{}, err
		}
		endpoints := aws.ProviderEndpointArray{}
		for i, item := range list {
			args, err := objectArgs(reflect.TypeFor[aws.ProviderEndpointArgs](), item)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("item %d: %w", i, err)
			}
			endpoints = append(endpoints, args.Elem().Interface().(aws.ProviderEndpointArgs))
		}
		input = endpoints
	default:
		argsType, ok := providerObjects[t]
		if !ok {
			// A setting type a newer SDK added: a test covers every
			// field, so this shows when the SDK is upgraded.
			return reflect.Value{}, fmt.Errorf("is a setting of type %s this program cannot pass on yet", t)
		}
		return objectArgs(argsType, raw)
	}
	return reflect.ValueOf(input), nil
}

// objectArgs decodes a JSON object into a new *argsType, each key naming a
// field as ProviderSetting does.
func objectArgs(argsType reflect.Type, raw json.RawMessage) (reflect.Value, error) {
	var fields map[string]json.RawMessage
	if err := decodeSetting(raw, &fields); err != nil {
		return reflect.Value{}, err
	}
	args := reflect.New(argsType)
	for key, value := range fields {
		field, ok := argsType.FieldByNameFunc(func(name string) bool { return ProviderSetting(name) == key })
		if !ok {
			return reflect.Value{}, fmt.Errorf("has no field %q", key)
		}
		input, err := jsonInput(field.Type, value)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%s: %w", key, err)
		}
		args.Elem().FieldByIndex(field.Index).Set(input)
	}
	return args, nil
}

// text is a string setting, also when the stack file holds a number or a
// boolean: `pulumi config set --path 'aws:allowedAccountIds[0]'
// 123456789012` stores a YAML number, which the program gets as a JSON one.
type text string

func (t *text) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case string:
		*t = text(v)
	case float64, bool:
		*t = text(bytes.TrimSpace(data)) // the number as written: no float formatting
	default:
		return fmt.Errorf("want a string, number or boolean, not %s", bytes.TrimSpace(data))
	}
	return nil
}

// decodeSetting decodes JSON into out. The error says what the value
// holds where the setting takes what; the value is not repeated: it may be
// a secret.
func decodeSetting(raw json.RawMessage, out any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(out)
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typeErr):
		at := ""
		if typeErr.Field != "" {
			at = " at " + typeErr.Field
		}
		return fmt.Errorf("is not of the setting's shape: it holds %s%s where the setting takes %s", a(typeErr.Value), at, jsonShape(typeErr.Type))
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("is not of the setting's shape: it holds text that is not JSON where the setting takes %s", jsonShape(reflect.TypeOf(out).Elem()))
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Errorf("is not of the setting's shape: it has no field %s", field)
	}
	return fmt.Errorf("is not of the setting's shape: %v", err)
}

// a is "a number", "an object", ... for a JSON kind.
func a(kind string) string {
	if strings.ContainsAny(kind[:1], "aeiou") {
		return "an " + kind
	}
	return "a " + kind
}

// jsonShape says what JSON a Go type decodeSetting decodes into takes.
func jsonShape(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[text]():
		return "a string"
	case t == reflect.TypeFor[json.RawMessage]():
		return "an object" // an item of endpoints
	case t.Kind() == reflect.Slice:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(jsonShape(t.Elem()), "a "), "an ") + "s"
	case t.Kind() == reflect.Map, t.Kind() == reflect.Struct:
		return "an object"
	case t.Kind() == reflect.Bool:
		return "a boolean"
	case t.Kind() == reflect.Int:
		return "a whole number"
	}
	return "a JSON value"
}

// settingExamples are, for the settings a newcomer sets first, a command
// that sets one item of the right shape (`--path` writes the list or
// object, https://www.pulumi.com/docs/iac/concepts/config/#structured-configuration).
var settingExamples = map[string]string{
	"aws:allowedAccountIds":   "set each account ID as a list item: pulumi config set --path 'aws:allowedAccountIds[0]' 123456789012",
	"aws:forbiddenAccountIds": "set each account ID as a list item: pulumi config set --path 'aws:forbiddenAccountIds[0]' 123456789012",
	"aws:defaultTags":         "set each tag under tags: pulumi config set --path aws:defaultTags.tags.team push",
	"aws:ignoreTags":          "set each key or prefix as a list item: pulumi config set --path 'aws:ignoreTags.keyPrefixes[0]' kubernetes.io/",
	"aws:assumeRole":          "set each field: pulumi config set --path aws:assumeRole.roleArn arn:aws:iam::123456789012:role/deploy",
	"aws:endpoints":           "set each service's URL in a list item: pulumi config set --path 'aws:endpoints[0].dynamodb' http://localhost:8000",
}

// settingHint is the hint of a refused setting key of input type t: an
// example of its shape, and the page of every setting.
func settingHint(key string, t reflect.Type) string {
	if example, ok := settingExamples[key]; ok {
		return example + "; see " + providerConfigPage
	}
	switch t {
	case reflect.TypeFor[pulumi.StringArrayInput]():
		return fmt.Sprintf("set each item of the list: pulumi config set --path '%s[0]' <value>; see %s", key, providerConfigPage)
	case reflect.TypeFor[pulumi.StringMapInput]():
		return fmt.Sprintf("set each entry: pulumi config set --path %s.<name> <value>; see %s", key, providerConfigPage)
	}
	return "see " + providerConfigPage
}
