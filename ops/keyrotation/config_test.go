package keyrotation

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/pulumicli"
	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// configFile models the two keys of a stack file as `pulumi config set
// --path` and `pulumi config rm --path` change them (Pulumi CLI v3.274.1,
// as the engine tests run it): set 'list[i]' overwrites item i or, with i
// the list's length, appends; a larger i is "array index out of range";
// rm 'list[i]' removes item i and closes the gap.
type configFile struct {
	current  string
	previous []string
	hasList  bool
}

func (c *configFile) apply(w Write) error {
	if w.Path == CryptoKeyConfig {
		if w.Remove {
			c.current = ""
		} else {
			c.current = w.Value
		}
		return nil
	}
	index, ok := strings.CutPrefix(w.Path, PreviousKeysConfig+"[")
	i, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
	if !ok || err != nil {
		return fmt.Errorf("unknown path %s", w.Path)
	}
	switch {
	case w.Remove && i < len(c.previous):
		c.previous = slices.Delete(c.previous, i, i+1)
	case w.Remove:
		return fmt.Errorf("rm %s: no such item", w.Path)
	case i < len(c.previous):
		c.previous[i] = w.Value
	case i == len(c.previous):
		c.previous, c.hasList = append(c.previous, w.Value), true
	default:
		return fmt.Errorf("set %s: array index out of range", w.Path)
	}
	return nil
}

// raw is the config as the program gets it.
func (c *configFile) raw() map[string]string {
	raw := map[string]string{}
	if c.current != "" {
		raw["cryptoKey"] = c.current
	}
	if c.hasList {
		list, _ := json.Marshal(c.previous)
		raw["previousCryptoKeys"] = string(list)
	}
	return raw
}

// TestWritesNeverLetAKeyBeDeployedAway: for each change a rotation makes
// (a key accepted, from a stack whose config names its keys and from one
// that leaves them to the key parameter; the newest made current; each
// key dropped), the config commands Writes orders end with the new list,
// and every config in between is either refused by the program's own
// validation (stackconfig.Parse, which runs before anything is
// deployed), or still holds every key the nodes hold or will hold (all
// but the one being dropped).
func TestWritesNeverLetAKeyBeDeployedAway(t *testing.T) {
	a, b, c, n := key('a'), key('b'), key('c'), key('n')
	deployed := Keys{Current: a, Previous: []string{b, c}}
	accepted, err := deployed.Accept(n)
	require.NoError(t, err)
	promoted, err := accepted.Promote()
	require.NoError(t, err)
	cases := map[string]struct {
		config, to Keys  // config: what the stack file names (Keys{} for nothing)
		deployed   *Keys // what the nodes hold, if not deployed
		dropped    string
	}{
		"accept, keys in config":            {config: deployed, to: accepted},
		"accept, keys from the parameter":   {config: Keys{}, to: accepted},
		"accept, one key":                   {config: Keys{Current: a}, to: Keys{Current: a, Previous: []string{n}}, deployed: &Keys{Current: a}},
		"promote":                           {config: accepted, to: promoted},
		"promote, keys from the parameter":  {config: Keys{}, to: promoted},
		"drop 0":                            {config: deployed, to: Keys{Current: a, Previous: []string{c}}, dropped: b},
		"drop 1":                            {config: deployed, to: Keys{Current: a, Previous: []string{b}}, dropped: c},
		"drop the only one, from parameter": {config: Keys{}, to: Keys{Current: a}, deployed: &Keys{Current: a, Previous: []string{b}}, dropped: b},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			nodes := deployed
			if tc.deployed != nil {
				nodes = *tc.deployed
			}
			held := map[string]bool{}
			for _, k := range append(nodes.All(), append(tc.config.All(), tc.to.All()...)...) {
				held[k] = k != "" && k != tc.dropped
			}
			file := &configFile{current: tc.config.Current, previous: slices.Clone(tc.config.Previous), hasList: len(tc.config.Previous) > 0}
			writes, err := Writes(tc.config, tc.to)
			require.NoError(t, err)
			require.NotEmpty(t, writes)
			for i, w := range writes {
				require.NoError(t, file.apply(w), "write %d", i)
				cfg, err := stackconfig.Parse("dev", file.raw())
				if err != nil {
					continue // refused before anything is deployed
				}
				got := append([]string{cfg.CryptoKey}, cfg.PreviousCryptoKeys...)
				if cfg.CryptoKey == "" {
					t.Fatalf("after write %d the config names no key and is accepted", i)
				}
				for k, keep := range held {
					if keep {
						assert.Contains(t, got, k, "after write %d of %d the config is accepted without %s", i+1, len(writes), Fingerprint(k))
					}
				}
			}
			assert.Equal(t, tc.to, Keys{Current: file.current, Previous: file.previous}, "the config ends as the new list")
		})
	}
}

// TestDropIsOneCommand: dropping a key is one `pulumi config rm --path`,
// so no config in between exists.
func TestDropIsOneCommand(t *testing.T) {
	from := Keys{Current: key('a'), Previous: []string{key('b'), key('c'), key('d')}}
	to, err := from.Drop(1)
	require.NoError(t, err)
	writes, err := Writes(from, to)
	require.NoError(t, err)
	assert.Equal(t, []Write{{Path: "push-turnkey:previousCryptoKeys[1]", Remove: true}}, writes)

	_, err = Writes(from, Keys{Current: key('a')})
	assert.ErrorContains(t, err, "drop one at a time")
}

// TestConfiguredKeys: the config's key list, or none; a plain-text key
// and previousCryptoKeys without cryptoKey are refused, as the program
// refuses them; no message shows a key.
func TestConfiguredKeys(t *testing.T) {
	list := func(keys ...string) pulumicli.ConfigValue {
		raw, _ := json.Marshal(keys)
		return pulumicli.ConfigValue{Value: string(raw), ObjectValue: raw, Secret: true}
	}
	secret := func(k string) pulumicli.ConfigValue { return pulumicli.ConfigValue{Value: k, Secret: true} }

	got, err := configuredKeys(map[string]pulumicli.ConfigValue{"aws:region": {Value: "us-east-1"}})
	require.NoError(t, err)
	assert.Equal(t, Keys{}, got)

	got, err = configuredKeys(map[string]pulumicli.ConfigValue{CryptoKeyConfig: secret(key('a')), PreviousKeysConfig: list(key('b'))})
	require.NoError(t, err)
	assert.Equal(t, Keys{Current: key('a'), Previous: []string{key('b')}}, got)

	_, err = configuredKeys(map[string]pulumicli.ConfigValue{PreviousKeysConfig: list(key('b'))})
	assert.ErrorContains(t, err, "is set without")

	_, err = configuredKeys(map[string]pulumicli.ConfigValue{CryptoKeyConfig: {Value: key('a')}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stored in plain text")
	assert.NotContains(t, err.Error(), key('a'))

	_, err = configuredKeys(map[string]pulumicli.ConfigValue{CryptoKeyConfig: secret(key('a')), PreviousKeysConfig: list(key('a'))})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "repeats")
	assert.NotContains(t, err.Error(), key('a'))
}
