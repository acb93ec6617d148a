package vapid

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/webpushmint"
)

type minted = webpushmint.Minted

func mint(t *testing.T, aud string, exp time.Time) minted { return webpushmint.Mint(t, aud, exp) }

// TestAProofFromAWebPushLibraryVerifies: a token web-push makes for
// ProofAudience proves its key, in the header's own form and in others
// a developer may paste (extra spaces, the scheme's case).
func TestAProofFromAWebPushLibraryVerifies(t *testing.T) {
	now := time.Now()
	m := mint(t, ProofAudience, now.Add(time.Hour))
	p, err := VerifyProof(m.Authorization, now)
	require.NoError(t, err)
	assert.Equal(t, m.PublicKey, p.Key)
	assert.WithinDuration(t, now.Add(time.Hour), p.Expires, 2*time.Second)
	for _, h := range []string{
		"  " + m.Authorization + " \n",
		strings.Replace(m.Authorization, "vapid", "VAPID", 1),
		strings.Replace(m.Authorization, ", k=", ",k = ", 1),
	} {
		_, err := VerifyProof(h, now)
		assert.NoError(t, err, h)
	}
}

// signed is a token with claims signed by m's private key, as its holder
// can make any.
func signed(t *testing.T, m minted, claims string) string {
	t.Helper()
	d, err := base64.RawURLEncoding.DecodeString(m.PrivateKey)
	require.NoError(t, err)
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	require.NoError(t, err)
	input := base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT","alg":"ES256"}`)) + "." + base64.RawURLEncoding.EncodeToString([]byte(claims))
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	require.NoError(t, err)
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return "vapid t=" + input + "." + base64.RawURLEncoding.EncodeToString(sig) + ", k=" + m.PublicKey
}

// TestAnHourLongProofFromAFastClockIsTaken: web-push makes a proof for an
// hour on a clock 4 minutes fast; the API's clock is right.
func TestAnHourLongProofFromAFastClockIsTaken(t *testing.T) {
	now := time.Now()
	m := mint(t, ProofAudience, now.Add(4*time.Minute+time.Hour))
	p, err := VerifyProof(m.Authorization, now)
	require.NoError(t, err)
	assert.Equal(t, m.PublicKey, p.Key)
}

// TestWhatIsNotAProofIsRefused: what an attacker holds or makes is
// refused, each with the rule it breaks: a token an application server
// sent to the push service (logged with its aud), one paired with someone
// else's public key, a changed claim, an unsigned one, an expired one, one
// made for more than an hour (web-push's default push token among them),
// a second k (autopush would take the last; a
// proof takes none).
func TestWhatIsNotAProofIsRefused(t *testing.T) {
	now := time.Now()
	good := mint(t, ProofAudience, now.Add(time.Hour))
	other := mint(t, ProofAudience, now.Add(time.Hour))
	token := strings.TrimPrefix(strings.Split(good.Authorization, ", k=")[0], "vapid t=")
	parts := strings.Split(token, ".")
	forged := func(claims string) string {
		return "vapid t=" + parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + "." + parts[2] + ", k=" + good.PublicKey
	}
	_, err := VerifyProof(signed(t, good, `{"aud":"`+ProofAudience+`","exp":`+strconv.FormatInt(now.Add(time.Hour).Unix(), 10)+`}`), now)
	require.NoError(t, err, "signed makes proofs that verify: the refusals below are for their rule")
	unsigned := "vapid t=" + base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT","alg":"none"}`)) + "." + parts[1] + "., k=" + good.PublicKey
	for name, c := range map[string]struct{ header, want string }{
		"a push service token": {mint(t, "https://push.example.com:8443", now.Add(time.Hour)).Authorization, "aud is https://push.example.com:8443"},
		"another's key":        {"vapid t=" + token + ", k=" + other.PublicKey, "does not verify with k"},
		"a changed claim":      {forged(`{"aud":"` + ProofAudience + `","exp":9999999999}`), "does not verify with k"},
		"unsigned":             {unsigned, `alg is "none"`},
		// web-push refuses to make these two; the key's holder can sign them.
		"expired":                {signed(t, good, `{"aud":"`+ProofAudience+`","exp":`+strconv.FormatInt(now.Add(-time.Minute).Unix(), 10)+`}`), "expired"},
		"made for two days":      {signed(t, good, `{"aud":"`+ProofAudience+`","exp":`+strconv.FormatInt(now.Add(48*time.Hour).Unix(), 10)+`}`), "more than an hour ahead"},
		"an hour and 6 minutes":  {signed(t, good, `{"aud":"`+ProofAudience+`","exp":`+strconv.FormatInt(now.Add(time.Hour+6*time.Minute).Unix(), 10)+`}`), "more than an hour ahead"},
		"web-push's own default": {mint(t, ProofAudience, now.Add(12*time.Hour)).Authorization, "more than an hour ahead"},
		"a second k":             {good.Authorization + ", k=" + other.PublicKey, "gives k twice"},
		"aud twice":              {signed(t, good, `{"aud":"https://push.example.com","aud":"`+ProofAudience+`","exp":`+strconv.FormatInt(now.Add(time.Hour).Unix(), 10)+`}`), `member "aud" is given twice`},
		"aud in two cases":       {signed(t, good, `{"aud":"https://push.example.com","AUD":"`+ProofAudience+`","exp":`+strconv.FormatInt(now.Add(time.Hour).Unix(), 10)+`}`), `member "AUD" is given twice`},
		"another scheme":         {strings.Replace(good.Authorization, "vapid", "WebPush", 1), `is not "vapid t=<JWT>, k=<public key>"`},
		"no k":                   {"vapid t=" + token, "lacks t= or k="},
		"a bad k":                {"vapid t=" + token + ", k=BAAA", "k: public key decodes to"},
	} {
		_, err := VerifyProof(c.header, now)
		assert.ErrorContains(t, err, c.want, name)
	}
}

// TestSignProofMakesWhatWebPushMakes: a proof SignProof makes for a key
// web-push generated verifies, names that key, and has the form of
// web-push's own (its header and claims, field for field but sub).
func TestSignProofMakesWhatWebPushMakes(t *testing.T) {
	now := time.Now()
	m := mint(t, ProofAudience, now.Add(time.Hour))
	header, err := SignProof(m.PrivateKey, now.Add(time.Hour), "mailto:dev@example.com")
	require.NoError(t, err)
	p, err := VerifyProof(header, now)
	require.NoError(t, err)
	assert.Equal(t, m.PublicKey, p.Key)
	part := func(h string, i int) map[string]any {
		jwt := strings.TrimPrefix(strings.Split(h, ", k=")[0], "vapid t=")
		data, err := base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[i])
		require.NoError(t, err)
		var v map[string]any
		require.NoError(t, json.Unmarshal(data, &v))
		return v
	}
	assert.Equal(t, part(m.Authorization, 0), part(header, 0), "the JWT header")
	theirs, ours := part(m.Authorization, 1), part(header, 1)
	assert.Equal(t, theirs["aud"], ours["aud"])
	assert.InDelta(t, theirs["exp"], ours["exp"], 2)
	_, err = SignProof("not base64!", now.Add(time.Hour), "mailto:dev@example.com")
	assert.ErrorContains(t, err, "not URL-safe base64")
}
