package keyrotation

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/push-turnkey/push-turnkey/ops/pulumicli"
	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// The config keys of the key list, as `pulumi config` names them.
const (
	CryptoKeyConfig    = stackconfig.Namespace + ":cryptoKey"
	PreviousKeysConfig = stackconfig.Namespace + ":previousCryptoKeys"
)

// Write is one `pulumi config` command: set Path to Value as a secret, or
// remove Path.
type Write struct {
	Path   string // a config path, e.g. "push-turnkey:previousCryptoKeys[1]"
	Value  string // a key (a secret); "" when Remove
	Remove bool
}

func previousAt(i int) string { return fmt.Sprintf("%s[%d]", PreviousKeysConfig, i) }

// Writes are the config commands that turn the stack's key config from
// into to, where from.Current == "" means cryptoKey is not set (the
// stack then uses its key parameter's keys). A config file changes one
// command at a time, so they are ordered so that every config in between
// either keeps every key of both lists, or is refused by the program's
// validation before anything is deployed (a key listed twice,
// previousCryptoKeys without cryptoKey), never a list that silently
// drops a key:
//   - from unset: previousCryptoKeys item by item (refused while cryptoKey
//     is unset), then cryptoKey;
//   - one previous key dropped: one `pulumi config rm --path
//     'previousCryptoKeys[i]'`, which removes the item and closes the gap;
//   - otherwise (a key added, or the newest made current): the items of
//     previousCryptoKeys from the last to the first (the first write
//     appends; each one after it overwrites an item already copied one
//     place on), then cryptoKey.
//
// `pulumi config set --path 'list[i]'` sets an item or, with i the list's
// length, appends one; an index past that is "out of range" (Pulumi CLI
// v3.274.1, checked by the engine tests). It refuses removing more than
// one key at once.
func Writes(from, to Keys) ([]Write, error) {
	if to.Current == "" {
		return nil, fmt.Errorf("the new key list has no current key")
	}
	var writes []Write
	if from.Current == "" {
		for i, k := range to.Previous {
			writes = append(writes, Write{Path: previousAt(i), Value: k})
		}
		return append(writes, Write{Path: CryptoKeyConfig, Value: to.Current}), nil
	}
	if from.Current == to.Current && len(to.Previous) == len(from.Previous)-1 {
		for i := range from.Previous {
			if slices.Equal(slices.Delete(slices.Clone(from.Previous), i, i+1), to.Previous) {
				return []Write{{Path: previousAt(i), Remove: true}}, nil
			}
		}
	}
	if len(to.Previous) < len(from.Previous) {
		return nil, fmt.Errorf("the new key list drops more than one key at once: drop one at a time")
	}
	for i := len(to.Previous) - 1; i >= 0; i-- {
		if i >= len(from.Previous) || from.Previous[i] != to.Previous[i] {
			writes = append(writes, Write{Path: previousAt(i), Value: to.Previous[i]})
		}
	}
	if from.Current != to.Current {
		writes = append(writes, Write{Path: CryptoKeyConfig, Value: to.Current})
	}
	return writes, nil
}

// configuredKeys reads the key list from the stack's config:
// Keys{} when cryptoKey is not set (then previousCryptoKeys must not be
// either, as the program requires).
func configuredKeys(config map[string]pulumicli.ConfigValue) (Keys, error) {
	current, set := config[CryptoKeyConfig]
	var previous []string
	if v, ok := config[PreviousKeysConfig]; ok && len(v.ObjectValue) > 0 {
		if err := json.Unmarshal(v.ObjectValue, &previous); err != nil {
			return Keys{}, fmt.Errorf("config %s is not a list of keys", PreviousKeysConfig)
		}
	}
	if !set || current.Value == "" {
		if len(previous) > 0 {
			return Keys{}, fmt.Errorf("config %s is set without %s: the stack refuses that; set cryptoKey (or remove previousCryptoKeys) and run pulumi up first",
				PreviousKeysConfig, CryptoKeyConfig)
		}
		return Keys{}, nil
	}
	for key, v := range map[string]pulumicli.ConfigValue{CryptoKeyConfig: current, PreviousKeysConfig: config[PreviousKeysConfig]} {
		if v.Value != "" && v.Value != "[]" && !v.Secret {
			return Keys{}, fmt.Errorf("config %s is stored in plain text: set it again with --secret", key)
		}
	}
	k := Keys{Current: current.Value, Previous: previous}
	if err := k.Check(); err != nil {
		return Keys{}, fmt.Errorf("the stack's config: %w", err)
	}
	return k, nil
}

// deployedKeys reads the key list the stack's last `pulumi up` stored in
// its key parameter, from its outputs cryptoKey and previousCryptoKeys.
func deployedKeys(outputs map[string]json.RawMessage) (Keys, error) {
	var k Keys
	raw, ok := outputs["cryptoKey"]
	if !ok {
		return Keys{}, fmt.Errorf("the stack has no output cryptoKey: is it deployed? (pulumi up)")
	}
	if err := json.Unmarshal(raw, &k.Current); err != nil {
		return Keys{}, fmt.Errorf("output cryptoKey is not a string")
	}
	raw, ok = outputs["previousCryptoKeys"]
	if !ok {
		return Keys{}, fmt.Errorf("the stack has no output previousCryptoKeys (it was deployed by an older release): run pulumi up once, then this again")
	}
	if err := json.Unmarshal(raw, &k.Previous); err != nil {
		return Keys{}, fmt.Errorf("output previousCryptoKeys is not a list of keys")
	}
	if err := k.Check(); err != nil {
		return Keys{}, fmt.Errorf("the stack's outputs: %w", err)
	}
	return k, nil
}
