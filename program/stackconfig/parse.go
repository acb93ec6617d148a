package stackconfig

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Parse validates the raw config of one stack. raw maps keys without the
// namespace ("firehose") to their string values, as Pulumi passes them; a
// missing key takes its default. A key whose Pulumi.yaml default is not
// empty, given as "", is refused (see emptyValueError). It returns every
// problem found, joined, each an *Error: unknown keys, then each key's own
// rule in keyTable's order, then crossKeyChecks.
func Parse(stack string, raw map[string]string) (Config, error) {
	errs := unknownKeys(raw)
	c := Config{TablePrefix: DefaultTablePrefix(stack)} // tablePrefix's default comes from the stack name
	for _, k := range keyTable {
		errs = append(errs, k.readInto(&c, raw)...)
	}
	processorImpliesFirehose(&c)
	for _, check := range crossKeyChecks {
		errs = append(errs, check(c)...)
	}
	errs = append(errs, takeOverFromItself(stack, c)...)
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	c.Warnings = warnings(stack, raw, c)
	return c, nil
}

// readInto stores the key's default in c, then its value in raw, if set
// and good, and returns the value's problems, each an *Error.
func (k keySpec) readInto(c *Config, raw map[string]string) []error {
	var errs []error
	if !isUnset(k.def) {
		errs = k.refusals(k.value.read(c, k.def)) // none: TestEveryDefaultAndExamplePassesItsRule
	}
	v, set := raw[k.name]
	switch {
	case !set:
		return errs
	case v == "" && !isUnset(k.def):
		return append(errs, emptyValueError(k.name, k.def))
	}
	refused := k.refusals(k.value.read(c, v))
	if k.suggest != nil {
		if good := k.suggest(v); good != "" {
			for _, e := range refused {
				if e := e.(*Error); e.Hint == "" {
					e.Example = good
				}
			}
		}
	}
	return append(errs, refused...)
}

// refusals turns the problems of a value of k into *Error values, each
// with k's example or hint.
func (k keySpec) refusals(problems []string) []error {
	var errs []error
	for _, problem := range problems {
		e := &Error{Key: k.name, Problem: problem, Hint: k.hint}
		if e.Hint == "" {
			e.Example = or(k.example, k.def)
		}
		errs = append(errs, e)
	}
	return errs
}

// unknownKeys refuses each key of raw that keyTable does not declare, in
// sorted order.
func unknownKeys(raw map[string]string) []error {
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		if _, known := spec(key); !known {
			errs = append(errs, &Error{Key: key,
				Problem: "is not a config key of this program (known: " + strings.Join(Keys, ", ") + ")",
				Hint:    "remove it: pulumi config rm " + key})
		}
	}
	return errs
}

// emptyValueError refuses "" for key, whose Pulumi.yaml default def is
// not empty. The engine hands the program Pulumi.yaml's default for a key
// the stack does not set (pkg/workspace/config.go, mergeConfig), so "" is
// a value the stack holds (`pulumi config set autopushVersion ""`):
// taking the default instead would silently ignore it.
func emptyValueError(key, def string) *Error {
	return &Error{Key: key, Problem: `is set to "" in the stack`,
		Hint: fmt.Sprintf("remove it with 'pulumi config rm %s' to take the default %s, or set a value", key, def)}
}

// Load reads the push-turnkey keys of the running stack and validates them
// with ParseStack. A secret key (cryptoKey, previousCryptoKeys) must have
// been set with --secret: one stored in plain text in Pulumi.<stack>.yaml
// is refused. Where the engine's whole config is at hand (stackConfig), a
// key meant for this program in another namespace is refused too
// (MisplacedKeys).
func Load(ctx *pulumi.Context) (Config, error) {
	raw := map[string]string{}
	for _, k := range Keys {
		if v, ok := ctx.GetConfig(Namespace + ":" + k); ok {
			raw[k] = v
		}
	}
	region, _ := ctx.GetConfig("aws:region")
	errs := MisplacedKeys(stackConfig(ctx), ctx.IsConfigSecret)
	c, err := ParseStack(ctx.Stack(), raw, region, ctx.IsConfigSecret)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

// ParseStack is Parse plus the checks that need more than this namespace:
// the secret keys must be secrets (isSecret gets the qualified key), and
// aws:region ("" when unset) must look like a region name. Keys holding
// an unset value ("" or [], see UnsetString) count as not set, except ""
// for a key whose Pulumi.yaml default is not empty, which is refused.
func ParseStack(stack string, raw map[string]string, region string, isSecret func(key string) bool) (Config, error) {
	raw = withoutUnset(raw, isSecret)
	errs := plainSecrets(raw, isSecret)
	if err := regionProblem(region); err != nil {
		errs = append(errs, err)
	}
	if err := certificateTarget(raw["certificateArn"], "", region, "aws:region"); err != nil {
		errs = append(errs, err)
	}
	c, err := Parse(stack, raw)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	// Said last, by every plan and up of the stack, not by Parse: the
	// other warnings are about keys, this one about the stack.
	c.Warnings = append(c.Warnings, plainPushServer(c)...)
	return c, nil
}

// withoutUnset drops the keys of raw that hold an unset value, except a
// value set as a secret: `pulumi config set --secret cryptoKey ""` is a
// user's empty key, refused later, never a reason to generate one. It keeps
// "" for a key whose Pulumi.yaml default is not empty: the engine would
// have passed that default, so "" was set in the stack, and Parse refuses
// it.
func withoutUnset(raw map[string]string, isSecret func(key string) bool) map[string]string {
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		s, _ := spec(k)
		hasDefault := !isUnset(s.def) // an unknown key has none
		if isUnset(v) && !isSecret(Namespace+":"+k) && !(v == "" && hasDefault) {
			continue
		}
		out[k] = v
	}
	return out
}

// plainSecrets refuses each secret key of raw that is not a secret in the
// stack.
func plainSecrets(raw map[string]string, isSecret func(key string) bool) []error {
	var errs []error
	for _, k := range keyTable {
		if _, set := raw[k.name]; set && k.secret && !isSecret(Namespace+":"+k.name) {
			errs = append(errs, &Error{Key: k.name, Problem: "is stored in plain text in the stack file", Hint: k.hint})
		}
	}
	return errs
}
