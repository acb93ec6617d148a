package fakeaws

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRandomValuesHaveTheirLengthAndCharacters: RandomBytes gives length
// bytes, RandomPassword length characters, without punctuation when
// special is false; all secret.
func TestRandomValuesHaveTheirLengthAndCharacters(t *testing.T) {
	for _, rng := range []struct {
		name string
		new  func() io.Reader
	}{{"crypto/rand", func() io.Reader { return rand.Reader }}, {"hash", func() io.Reader { return HashReader("test/x") }}} {
		outs, err := RandomOutputs("random:index/randomBytes:RandomBytes", resource.NewPropertyMapFromMap(map[string]interface{}{"length": 48}), rng.new())
		require.NoError(t, err)
		require.True(t, outs["base64"].IsSecret(), rng.name)
		b, err := base64.StdEncoding.DecodeString(outs["base64"].SecretValue().Element.StringValue())
		require.NoError(t, err)
		assert.Len(t, b, 48, rng.name)

		outs, err = RandomOutputs("random:index/randomPassword:RandomPassword", resource.NewPropertyMapFromMap(map[string]interface{}{"length": 64, "special": false}), rng.new())
		require.NoError(t, err)
		require.True(t, outs["result"].IsSecret(), rng.name)
		result := outs["result"].SecretValue().Element.StringValue()
		assert.Len(t, result, 64, rng.name)
		assert.Empty(t, strings.Trim(result, passwordLetters), "%s: only letters and digits", rng.name)
	}
	_, err := RandomOutputs("random:index/randomBytes:RandomBytes", resource.PropertyMap{}, rand.Reader)
	assert.ErrorContains(t, err, "length must be a positive number")
}

// TestRandomReplaceOnChangesAreTheDocumentedInputs: changing length or
// keepers of RandomBytes forces a new value (pulumi-random registry page,
// RandomBytes: both "Changing this forces a new resource").
func TestRandomReplaceOnChangesAreTheDocumentedInputs(t *testing.T) {
	assert.Equal(t, []string{"keepers", "length"}, ReplaceOnChanges("random:index/randomBytes:RandomBytes"))
	assert.Subset(t, ReplaceOnChanges("random:index/randomPassword:RandomPassword"), []string{"keepers", "length", "special", "upper", "lower", "numeric"})
	assert.Nil(t, ReplaceOnChanges("aws:glue/job:Job"), "a type the account does not model")
}

// TestHashReaderStartsWithTheTextsHash: the plan's random bytes of a
// 32-byte key are the SHA-256 of the stack and name, and the same each
// run.
func TestHashReaderStartsWithTheTextsHash(t *testing.T) {
	a, b := make([]byte, 40), make([]byte, 40)
	_, _ = HashReader("test/crypto-key").Read(a)
	_, _ = HashReader("test/crypto-key").Read(b)
	assert.Equal(t, a, b)
	assert.Equal(t, HashDigits("test/crypto-key"), hex.EncodeToString(a[:4])[:7], "the plan's digits and bytes of a name agree")
}
