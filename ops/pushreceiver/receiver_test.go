package pushreceiver

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The example of RFC 8291 section 5, with the user agent's private key
// from its Appendix A: a message body no one here wrote.
const (
	rfcPlaintext = "When I grow up, I want to be a watermelon"
	rfcUAPublic  = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
	rfcUAPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
	rfcAuth      = "BTBZMqHH6r4Tts7J_aSIgg"
	rfcBody      = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
)

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestDecryptsTheRFC8291Example(t *testing.T) {
	r, err := FromKeys(b64(t, rfcUAPrivate), b64(t, rfcAuth))
	require.NoError(t, err)
	assert.Equal(t, rfcUAPublic, r.P256dh(), "the example's user agent key pair")
	assert.Equal(t, rfcAuth, r.Auth())
	plain, err := r.Decrypt(b64(t, rfcBody))
	require.NoError(t, err)
	assert.Equal(t, rfcPlaintext, string(plain))
}

func TestBadBodiesNameTheProblem(t *testing.T) {
	r, err := FromKeys(b64(t, rfcUAPrivate), b64(t, rfcAuth))
	require.NoError(t, err)
	body := b64(t, rfcBody)
	tampered := append([]byte{}, body...)
	tampered[len(tampered)-1] ^= 1
	other, err := New()
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		r       *Receiver
		body    []byte
		problem string
	}{
		"short":          {r, body[:40], "shorter than the aes128gcm header"},
		"tampered":       {r, tampered, "does not decrypt with this subscription's keys"},
		"another's keys": {other, body, "does not decrypt with this subscription's keys"},
		"two records":    {r, append(append([]byte{}, body[:16]...), append([]byte{0, 0, 0, 18}, body[20:]...)...), "more than one record"},
		"short key id":   {r, append(append([]byte{}, body[:20]...), append([]byte{64}, body[21:]...)...), "key id of 64 bytes"},
	} {
		_, err := tc.r.Decrypt(tc.body)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.problem, name)
	}
}
