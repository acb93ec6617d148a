package pushlog

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/logfixture"
)

// attackerKey is a second real P-256 key, the application server public
// key of RFC 8291's example (section 5, as_public); the victim is key87,
// RFC 8292's example key.
const attackerKey = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"

// token is a JWT with the given claims (JSON) and a made-up signature:
// the server verified it, the log reader never does.
func token(claims string) string {
	return "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".c2lnbmF0dXJl"
}

var vapidToken = token(`{"aud":"https://push.example.com","exp":1796195106,"sub":"mailto:ops@example.com"}`)

// TestParseAuthorizationAsAutopush: each header read as autopush 1.58.4's
// parse_auth_header (utils.py 609-629) and validate_auth (web/webpush.py
// 392-412) read it; the expected values come from reading those lines.
func TestParseAuthorizationAsAutopush(t *testing.T) {
	for _, tc := range []struct {
		header, why string
		want        Authorization // zero: the server answers 401
	}{
		{"vapid t=T,k=K", "RFC 8292's form", Authorization{"vapid", "T", "K"}},
		{"vapid t=T, k=K", "611: split(' ', 1); 621: replace(' ', '')", Authorization{"vapid", "T", "K"}},
		{"vapid t = T , k = K", "RFC 8292 auth-params may have spaces around '='; 621 removes them", Authorization{"vapid", "T", "K"}},
		{"VAPID t=T,k=K", "614: scheme_bits[0].lower()", Authorization{"vapid", "T", "K"}},
		{"vapid t=T,k=K1,k=K2", "624: vapid_auth[k] = v, the last k wins", Authorization{"vapid", "T", "K2"}},
		{"vapid k=K,t=T", "any order", Authorization{"vapid", "T", "K"}},
		{"vapid t=T,K=K1,k=K2", "names are case-sensitive: K is not k", Authorization{"vapid", "T", "K2"}},
		{"vapid t=T,\tk=K1,k=K2", "621 removes spaces, not tabs: '\\tk' is not k", Authorization{"vapid", "T", "K2"}},
		{"vapid t=T,k=K==", "623: split('=', 1) keeps the padding in the value", Authorization{"vapid", "T", "K=="}},
		{"vapid t=T,k=K,vapid t=T2,k=K2", "a second header joined by ',': 'vapidt' is a name of its own", Authorization{"vapid", "T", "K2"}},
		{"vapid  t=T,k=K", "two spaces: the second is removed with the others", Authorization{"vapid", "T", "K"}},
		{"WebPush T", "628: draft 01, the token is the rest", Authorization{"webpush", "T", ""}},
		{"bearer T.x y", "628: the rest as it is, spaces kept", Authorization{"bearer", "T.x y", ""}},
		{"vapid\tt=T,k=K", "611: no space, 613: Missing Auth Token", Authorization{}},
		{"vapid", "613: Missing Auth Token", Authorization{}},
		{" vapid t=T,k=K", "614: scheme '' is none of AUTH_SCHEMES; parse_endpoint raises", Authorization{}},
		{"Basic dXNlcjpwYXNz", "615: not an AUTH_SCHEME", Authorization{}},
		{"VAP\u0130D t=T,k=K", "Python 2 lower() is ASCII-only: not 'vapid'", Authorization{}},
		{"vapid t=T,k=K,", "623: '' has no '=', ValueError, 626", Authorization{}},
		{"vapid t=T;k=K", "one part 't=T;k=K': no k, KeyError in parse_endpoint", Authorization{}},
		{"vapid t=T", "no k: 'Missing Public Key'", Authorization{}},
		{"vapid k=K", "no t: validate_auth's vapid_auth['t'] KeyError", Authorization{}},
		{"vapid t=T,k=", "empty k: extract_jwt returns {}, no aud, 401", Authorization{}},
		{"vapid t=,k=K", "empty t: extract_jwt returns {}, no aud, 401", Authorization{}},
		{"webpush ", "empty token: extract_jwt returns {}", Authorization{}},
	} {
		got, err := ParseAuthorization(tc.header)
		if tc.want == (Authorization{}) {
			assert.Error(t, err, "%q: %s", tc.header, tc.why)
			continue
		}
		if assert.NoError(t, err, "%q: %s", tc.header, tc.why) {
			assert.Equal(t, tc.want, got, "%q: %s", tc.header, tc.why)
		}
	}
}

// TestSigningKeyForms: every form of one key the server verifies with the
// same point is that key, in the registered form.
func TestSigningKeyForms(t *testing.T) {
	raw, err := base64.RawURLEncoding.DecodeString(attackerKey)
	require.NoError(t, err)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	require.NoError(t, err)
	spki, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	for name, text := range map[string]string{
		"canonical":               attackerKey,
		"padded":                  attackerKey + "=",
		"standard alphabet":       base64.StdEncoding.EncodeToString(raw),
		"raw X||Y (64 bytes)":     base64.RawURLEncoding.EncodeToString(raw[1:]),
		"SPKI (WebCrypto 'spki')": base64.StdEncoding.EncodeToString(spki),
		"characters Python skips": attackerKey[:20] + "!!" + attackerKey[20:],
		"compressed (33 bytes)":   base64.RawURLEncoding.EncodeToString(elliptic.MarshalCompressed(elliptic.P256(), pub.X, pub.Y)),
	} {
		got, err := SigningKey(text)
		require.NoError(t, err, name)
		assert.Equal(t, attackerKey, got, name)
	}
	for name, text := range map[string]string{
		"32 bytes":               base64.RawURLEncoding.EncodeToString(raw[:32]),
		"40 bytes":               base64.RawURLEncoding.EncodeToString(raw[:40]),
		"33 bytes off the curve": base64.RawURLEncoding.EncodeToString(append([]byte{2}, bytes.Repeat([]byte{0xff}, 32)...)),
		"incomplete quad":        attackerKey[:5],
		"no base64 at all!":      "!!!!",
		// repad counts the skipped character: 88 characters get no
		// padding, and 87 valid ones leave a quad incomplete.
		"one skipped character": attackerKey[:20] + "!" + attackerKey[20:],
	} {
		_, err := SigningKey(text)
		assert.Error(t, err, name)
	}
}

// outcome of one request's records.
type outcome struct {
	key     string // credited key
	verdict string // "credited", "unattributed", "unreadable", "none" (no VAPID)
	why     string
	request logfixture.Push
	release string // "1.58.4" when empty, or "1.58.2"
}

// TestCreditsOnlyTheKeyThatSigned: records written as 1.58.4 writes them
// (logfixture), with the Authorization headers and token claims an
// attacker or a legitimate sender sends. The server's key (SenderKey) is
// what the source says it verifies with; the processor must credit that
// key, and no other.
func TestCreditsOnlyTheKeyThatSigned(t *testing.T) {
	victimClaim := base64.RawURLEncoding.EncodeToString([]byte(key87))
	withClaim := func(extra ...logfixture.Field) []logfixture.Field {
		return append([]logfixture.Field{{Key: "aud", Value: "https://push.example.com"}, {Key: "exp", Value: 1796195106}}, extra...)
	}
	crypto := logfixture.Field{Key: "crypto_key", Value: victimClaim}
	req := func(auth, serverKey string, claims []logfixture.Field) logfixture.Push {
		return logfixture.Push{Time: 5, MessageID: "m", BodyLength: 4096, TTL: logfixture.TTL(60),
			Authorization: auth, SenderKey: serverKey, Claims: claims}
	}
	stored := func(p logfixture.Push) logfixture.Push { p.Stored = true; return p }
	draftToken := token(`{"aud":"https://push.example.com","exp":1796195106,"crypto_key":"` + victimClaim + `"}`)
	cases := []outcome{
		// The attack of the issue: sign with one's own key, name the
		// victim first and in a crypto_key claim.
		{attackerKey, "credited", "last k wins (utils.py 624); the claim replaces jwt_crypto_key (webpush.py 517-519)",
			req("vapid t="+vapidToken+",k="+key87+",k="+attackerKey, attackerKey, withClaim(crypto)), ""},
		{attackerKey, "credited", "the same, stored for an offline client: 201, Request timings only",
			stored(req("vapid t="+vapidToken+",k="+key87+",k="+attackerKey, attackerKey, withClaim(crypto))), ""},
		{attackerKey, "credited", "', k=' with spaces: removed (621)",
			req("vapid t="+vapidToken+", k="+key87+", k="+attackerKey, attackerKey, withClaim(crypto)), ""},
		{attackerKey, "credited", "a padded victim key is still not the last k",
			req("vapid t="+vapidToken+",k="+key88+",k="+attackerKey, attackerKey, withClaim(crypto)), ""},
		{attackerKey, "credited", "a tab before the victim's k makes '\\tk' another name",
			req("vapid t="+vapidToken+",\tk="+key87+",k="+attackerKey, attackerKey, withClaim(crypto)), ""},
		{attackerKey, "credited", "K= is another name (case-sensitive)",
			req("vapid t="+vapidToken+",K="+key87+",k="+attackerKey, attackerKey, withClaim(crypto)), ""},
		{attackerKey, "credited", "a victim claim alone: the header's k signed",
			req("vapid t="+vapidToken+",k="+attackerKey, attackerKey, withClaim(crypto)), ""},
		{attackerKey, "credited", "a crypto_key claim of a dict: to_fields drops jwt_crypto_key (logging.py 180)",
			req("vapid t="+vapidToken+",k="+attackerKey, attackerKey, withClaim(logfixture.Field{Key: "crypto_key", Value: []logfixture.Field{{Key: "k", Value: key87}}})), ""},
		{attackerKey, "credited", "NaN and Infinity claims, which Python writes bare",
			req("vapid t="+vapidToken+",k="+attackerKey, attackerKey, withClaim(logfixture.Field{Key: "n", Value: []any{nanValue(), infValue()}}, logfixture.Field{Key: "x", Value: infValue()})), ""},
		{"", "unattributed", "a k with a character outside ASCII: json.dumps keeps the character, not the bytes repad counted",
			req("vapid t="+vapidToken+",k="+attackerKey[:40]+"\U0001F600"+attackerKey[40:], attackerKey[:40]+"\U0001F600"+attackerKey[40:], nil), ""},
		{"", "unattributed", "draft scheme with a crypto_key claim: the verified Crypto-Key is not logged",
			req("WebPush "+draftToken, attackerKey, withClaim(crypto)), ""},
		{"", "unattributed", "the same with Bearer, stored",
			stored(req("Bearer "+draftToken, attackerKey, withClaim(crypto))), ""},
		// Legitimate senders: every accepted message counts.
		{key87, "credited", "RFC 8292's form, webpush-go's ', k='",
			req("vapid t="+vapidToken+", k="+key87, key87, nil), ""},
		{key87, "credited", "spaces around '=' (RFC 8292 auth-params; 621 removes them)",
			req("vapid t = "+vapidToken+", k = "+key87, key87, nil), ""},
		{key87, "credited", "scheme in capitals (614)",
			req("VAPID t="+vapidToken+",k="+key87, key87, nil), ""},
		{key87, "credited", "88-character padded key",
			req("vapid t="+vapidToken+",k="+key88, key88, nil), ""},
		{key87, "credited", "standard alphabet: urlsafe_b64decode keeps '+' and '/'",
			req("vapid t="+vapidToken+",k="+strings.NewReplacer("-", "+", "_", "/").Replace(key87), strings.NewReplacer("-", "+", "_", "/").Replace(key87), nil), ""},
		{key87, "credited", "a compressed key: ecdsa 0.15 from_string reads 33 bytes as one",
			req("vapid t="+vapidToken+",k="+compressed(t, key87), compressed(t, key87), nil), ""},
		{key87, "credited", "stored, 1.58.4 (201)",
			stored(req("vapid t="+vapidToken+",k="+key87, key87, nil)), ""},
		{key87, "credited", "stored, 1.58.0 to 1.58.2 (Router miss, 202)",
			req("vapid t="+vapidToken+",k="+key87, key87, nil), "1.58.2"},
		{key87, "credited", "draft scheme without a crypto_key claim: jwt_crypto_key is the Crypto-Key",
			req("WebPush "+vapidToken, key87, nil), ""},
		{"", "none", "a sender without VAPID",
			req("", "", nil), ""},
	}
	for _, tc := range cases {
		t.Run(tc.why, func(t *testing.T) {
			var o logfixture.Object
			if tc.release == "1.58.2" {
				o.StoredBefore1583(tc.request)
			} else {
				o.Delivery(tc.request)
			}
			for name, scan := range map[string]func([]byte, func(Delivery) error) (Counts, error){"fast": fast, "full": slow} {
				c, got := scanWith(t, scan, o.Plain())
				assert.Zero(t, c.Malformed, name)
				switch tc.verdict {
				case "credited":
					require.Len(t, got, 1, name)
					assert.Equal(t, tc.key, got[0].Key, name)
					assert.Equal(t, Counts{Records: c.Records, Deliveries: 1}, c, name)
				case "unattributed":
					assert.Empty(t, got, name)
					assert.Equal(t, Counts{Records: c.Records, Unattributed: 1}, c, name)
				case "none":
					assert.Empty(t, got, name)
					assert.Equal(t, Counts{Records: c.Records}, c, name)
				}
			}
		})
	}
}

// compressed is key in the compressed form of SEC 1 section 2.3.3.
func compressed(t *testing.T, key string) string {
	raw, err := base64.RawURLEncoding.DecodeString(key)
	require.NoError(t, err)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(elliptic.MarshalCompressed(elliptic.P256(), pub.X, pub.Y))
}

func nanValue() float64 { var z float64; return z / z }
func infValue() float64 { var z float64; return 1 / z }

// TestRefusedHeadersAreDrift: a record of an accepted message whose
// header the server refuses (a 401: the request is never accepted) is
// not one 1.58.4 writes: counted unreadable, with the rule it breaks.
func TestRefusedHeadersAreDrift(t *testing.T) {
	for header, problem := range map[string]string{
		"vapid t=" + vapidToken:                                "no k= key",
		"vapid\tt=" + vapidToken + ",k=" + key87:               "no space after its scheme",
		"Basic dXNlcjpwYXNz":                                   "scheme the server refuses",
		"vapid t=" + vapidToken + ",k=" + key87 + ",":          "part without '='",
		"vapid t=" + vapidToken + ",k=QUJD":                    "decodes to 3 bytes",
		"vapid t=" + vapidToken + ",k=" + key87[:len(key87)-2]: "not base64",
	} {
		var o logfixture.Object
		o.Delivery(logfixture.Push{Time: 5, MessageID: "m", BodyLength: 1, TTL: logfixture.TTL(1), Authorization: header, SenderKey: key87})
		for name, scan := range map[string]func([]byte, func(Delivery) error) (Counts, error){"fast": fast, "full": slow} {
			c, got := scanWith(t, scan, o.Plain())
			assert.Empty(t, got, "%s %q", name, header)
			assert.Equal(t, 2, c.Unreadable, "%s %q: the delivery and its timings", name, header)
			require.NotEmpty(t, c.Reasons)
			assert.Contains(t, c.Reasons[0], problem, header)
			assert.NotContains(t, strings.Join(c.Reasons, " "), vapidToken, "reasons never quote the header")
		}
	}
}

// FuzzFastPathAgreesWithFullDecode: over what a sender controls (its
// Authorization header, token claims of any type autopush writes, user
// agent, the address it claims, TTL), the fast path and the full decode
// of records written as 1.58.4 writes them give the same deliveries and
// counts.
func FuzzFastPathAgreesWithFullDecode(f *testing.F) {
	f.Add("vapid t="+vapidToken+",k="+key87, "crypto_key", "QkEx", 1.5, "web-push-go", "203.0.113.9", true, false)
	f.Add("vapid t="+vapidToken+",k="+key87+",k="+attackerKey, "crypto_key", `"message": "Successful delivery"`, nanValue(), "a\"b\\c", "\u00e9", false, true)
	f.Add("WebPush "+vapidToken, "message", "Request timings", infValue(), "", "", true, true)
	f.Add("vapid t = x , k = "+key88, "jwt_crypto_key", "}", -infValue(), "\x1e", "\n", false, false)
	f.Fuzz(func(t *testing.T, auth, claimName, claimText string, claimNumber float64, userAgent, remoteIP string, ttl, stored bool) {
		claims := []logfixture.Field{
			{Key: "aud", Value: "https://push.example.com"},
			{Key: claimName, Value: claimText},
			{Key: "n" + claimName, Value: claimNumber},
			{Key: "l" + claimName, Value: []any{claimText, claimNumber, []logfixture.Field{{Key: "message", Value: claimText}}, nil, true}},
		}
		p := logfixture.Push{Time: 7, MessageID: "m-1", BodyLength: 12, Authorization: auth, SenderKey: attackerKey,
			Claims: claims, UserAgent: userAgent, SenderIP: remoteIP, Stored: stored && ttl}
		if ttl {
			p.TTL = logfixture.TTL(60)
		}
		var o logfixture.Object
		o.Delivery(p)
		o.Delivery(p) // the batch again
		data := o.Plain()
		fc, fd := scanWith(t, fast, data)
		sc, sd := scanWith(t, slow, data)
		assert.Equal(t, sd, fd, "deliveries")
		assert.Equal(t, sc, fc, "counts")
		assert.Zero(t, sc.Malformed, "the server's records are JSON to the reader")
		assert.LessOrEqual(t, sc.Deliveries+sc.Unattributed, 1, "one message")
	})
}

// TestPinnedAttackRecord: the attacker's record as Python wrote it
// (testing/logfixture/testdata/pinned-attack.py) credits the key that
// signed, on both paths.
func TestPinnedAttackRecord(t *testing.T) {
	data, err := os.ReadFile("../../testing/logfixture/testdata/pinned-attack.log")
	require.NoError(t, err)
	for name, scan := range map[string]func([]byte, func(Delivery) error) (Counts, error){"fast": fast, "full": slow} {
		c, got := scanWith(t, scan, data)
		require.Len(t, got, 1, name)
		assert.Equal(t, attackerKey, got[0].Key, name)
		assert.Equal(t, Counts{Records: 1, Deliveries: 1}, c, name)
	}
}
