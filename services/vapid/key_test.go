package vapid

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	require.NoError(t, err)
	return k.PublicKey().Bytes()
}

func TestParsePublicKey(t *testing.T) {
	raw := newKey(t)
	unpadded := base64.RawURLEncoding.EncodeToString(raw)
	padded := base64.URLEncoding.EncodeToString(raw)
	for _, in := range []string{unpadded, padded} {
		got, err := ParsePublicKey(in)
		require.NoError(t, err)
		assert.Equal(t, unpadded, got)
	}

	offCurve := append([]byte(nil), raw...)
	offCurve[64] ^= 0x01
	compressed := append([]byte{0x02}, raw[1:33]...)
	for name, tc := range map[string]struct{ in, problem string }{
		"empty":          {"", "empty"},
		"standard b64":   {base64.StdEncoding.EncodeToString(raw) + "+/", "not URL-safe base64"},
		"not base64":     {"not a key!", "not URL-safe base64"},
		"too short":      {base64.RawURLEncoding.EncodeToString(raw[:64]), "decodes to 64 bytes"},
		"compressed":     {base64.RawURLEncoding.EncodeToString(compressed), "uncompressed P-256 point"},
		"not on curve":   {base64.RawURLEncoding.EncodeToString(offCurve), "not a point on the P-256 curve"},
		"private scalar": {base64.RawURLEncoding.EncodeToString(raw[1:33]), "decodes to 32 bytes"},
		"line break":     {unpadded[:40] + "\n" + unpadded[40:], "line break"},
		"carriage ret":   {unpadded[:40] + "\r" + unpadded[40:], "line break"},
		"extra padding":  {unpadded + "===", "extra padding"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParsePublicKey(tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.problem)
		})
	}
	assert.Equal(t, unpadded, Canonical(padded))
}
