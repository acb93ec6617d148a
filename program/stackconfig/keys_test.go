package stackconfig

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestEveryDefaultAndExamplePassesItsRule: a key's default, and the example
// its messages offer, pass the key's own rule.
func TestEveryDefaultAndExamplePassesItsRule(t *testing.T) {
	for _, k := range keyTable {
		if !isUnset(k.def) {
			assert.Empty(t, k.value.read(&Config{}, k.def), "default of %s", k.name)
		}
		if example := or(k.example, k.def); k.hint == "" {
			assert.NotEmpty(t, example, "%s's messages offer an example or a hint", k.name)
			assert.Empty(t, k.value.read(&Config{}, example), "example of %s", k.name)
		}
	}
}

// TestKeyTableIsWellFormed: each key is declared once, with a one-line
// description and a README default; a secret key has no default (the
// engine would hand it to the program in plain text, which ParseStack
// refuses) and a hint instead of an example (a secret is never repeated).
func TestKeyTableIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range keyTable {
		assert.False(t, seen[k.name], "%s is declared twice", k.name)
		seen[k.name] = true
		assert.NotEmpty(t, k.description, k.name)
		assert.NotContains(t, k.description, "\n", k.name)
		if isUnset(k.def) {
			assert.NotEmpty(t, k.unsetMeans, "%s says what the program does without it", k.name)
		} else {
			assert.Empty(t, k.unsetMeans, "%s has a default: the README shows it", k.name)
		}
		if k.secret {
			assert.True(t, isUnset(k.def), "secret %s has no default", k.name)
			assert.NotEmpty(t, k.hint, "secret %s's messages give a command, not a value", k.name)
		}
		assert.Contains(t, []string{"boolean", "integer", "string", "array"}, k.value.typ, k.name)
	}
	assert.Equal(t, len(keyTable), len(Keys))
}

// TestSecretKeysMustBeSecrets: each secret key of the table, set in plain
// text, is refused naming the key, without repeating the value; set as a
// secret it is accepted.
func TestSecretKeysMustBeSecrets(t *testing.T) {
	values := map[string]string{"cryptoKey": "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ=",
		"previousCryptoKeys": `["dsJoDUlNOYiROqEazpC3ZNesLLk8SWR0_hrrgndZtV8="]`}
	raw := map[string]string{}
	var secrets []string
	for _, k := range keyTable {
		if k.secret {
			secrets = append(secrets, k.name)
			raw[k.name] = values[k.name]
		}
	}
	assert.ElementsMatch(t, []string{"cryptoKey", "previousCryptoKeys"}, secrets)
	_, err := ParseStack("dev", raw, "us-east-1", func(string) bool { return false })
	for _, key := range secrets {
		assert.ErrorContains(t, err, "config push-turnkey:"+key+": is stored in plain text in the stack file")
		assert.NotContains(t, err.Error(), strings.Trim(values[key], `[]"`))
	}
	_, err = ParseStack("dev", raw, "us-east-1", func(k string) bool { return strings.HasPrefix(k, Namespace+":") })
	assert.NoError(t, err)
}
