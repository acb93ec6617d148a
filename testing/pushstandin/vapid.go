package pushstandin

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"hash"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/push-turnkey/push-turnkey/services/pushlog/pybase64"
)

// VAPID as 1.58.4 checks it: parse_auth_header (utils.py:609-629),
// validate_auth (web/webpush.py:392-462) and extract_jwt (utils.py:191-215)
// without --use_cryptography, which the stack does not set: python-jose
// 3.1.0's jwt.decode with a key ecdsa 0.15 builds.

// authSchemes are the Authorization schemes taken (web/base.py:31).
var authSchemes = []string{"bearer", "webpush", "vapid"}

// parseAuthHeader is parse_auth_header: the scheme ends at the first
// space and is lower-cased (ASCII, Python 2's str.lower); an unknown one
// gives an empty map. For "vapid" every space of the rest is removed, the
// rest split on ',' and each part at its first '=', a later name
// replacing an earlier one, so the LAST k wins; a part without '=' is an
// error. For the draft schemes t is the whole rest.
func parseAuthHeader(header string) (map[string]string, error) {
	scheme, rest, ok := strings.Cut(header, " ")
	if !ok {
		return nil, errors.New("Missing Auth Token")
	}
	scheme = asciiLower(scheme)
	if !slices.Contains(authSchemes, scheme) {
		return map[string]string{}, nil
	}
	auth := map[string]string{"scheme": scheme}
	if scheme != "vapid" {
		auth["t"] = rest
		return auth, nil
	}
	for _, part := range strings.Split(strings.ReplaceAll(rest, " ", ""), ",") {
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			return nil, errors.New("Invalid Auth Token")
		}
		auth[name] = value
	}
	return auth, nil
}

// asciiLower lower-cases A to Z only.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// checkVAPID is validate_auth: t verified with publicKey (k, or
// Crypto-Key's p256ecdsa for the draft schemes), aud exactly endpointURL,
// exp there, what int() reads, not past and at most 24 h ahead. sub is
// never checked. Every refusal is a 401 with errno 109.
func checkVAPID(auth map[string]string, publicKey, endpointURL string, now time.Time) *refusal {
	refuse := func(why string) *refusal {
		e := invalid(401, 109, why)
		e.vapid = true
		return e
	}
	t, ok := auth["t"]
	if !ok {
		return refuse("Invalid Authorization Header") // KeyError (:407)
	}
	claims, err := joseClaims(t, publicKey, now)
	if err != nil {
		return refuse("Invalid Authorization Header") // :424-427
	}
	aud, ok := claims["aud"]
	switch {
	case !ok:
		return refuse("Invalid bearer token: No Audience specified") // :428-431
	case aud != endpointURL:
		return refuse("Invalid bearer token: Invalid Audience Specified") // :432-436
	}
	exp, ok := claims["exp"]
	if !ok {
		return refuse("Invalid bearer token: No expiration") // :437-440
	}
	expires, ok := pyInt(exp)
	seconds := float64(now.UnixNano()) / 1e9
	switch {
	case !ok:
		return refuse("Invalid bearer token: Invalid expiration") // :442-447
	case seconds > expires:
		return refuse("Invalid bearer token: Auth expired") // :449-454
	case expires-seconds > 24*60*60:
		return refuse("Invalid bearer token: Auth > 24 hours in the future") // :455-460
	}
	return nil
}

// joseClaims is extract_jwt: no claims when the token or the key is
// empty (utils.py:195-196); else the key is the last 64 bytes of the
// decoded text (utils.py:204-208) and the token is what python-jose
// 3.1.0's jwt.decode takes (jws.py _load, _verify_signature; jwt.py
// _validate_claims with verify_aud, verify_sub and verify_exp off).
func joseClaims(token, keyText string, now time.Time) (map[string]any, error) {
	if token == "" || keyText == "" {
		return map[string]any{}, nil
	}
	raw, err := pybase64.URLSafeDecode(pybase64.Repad(keyText))
	if err != nil {
		return nil, err
	}
	key, err := ecdsaKey(raw)
	if err != nil {
		return nil, err
	}
	signingInput, sigPart, ok1 := cutLast(token, ".")
	headerPart, claimsPart, ok2 := strings.Cut(signingInput, ".")
	if !ok1 || !ok2 {
		return nil, errors.New("Not enough segments")
	}
	header, err := joseJSON(headerPart)
	if err != nil {
		return nil, err
	}
	alg, _ := header["alg"].(string)
	digest := map[string]func() hash.Hash{"ES256": sha256.New, "ES384": sha512.New384, "ES512": sha512.New}[alg]
	sig, err := pybase64.URLSafeDecode(pybase64.Repad(sigPart))
	switch {
	case err != nil:
		return nil, err
	case digest == nil:
		return nil, errors.New("not an EC algorithm") // jwk.construct fails for HS*, RS*, none
	case len(sig) != 64:
		return nil, errors.New("Invalid signature") // _raw_to_der: two 32-byte halves
	}
	h := digest()
	h.Write([]byte(signingInput))
	if !ecdsa.Verify(key, h.Sum(nil), new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return nil, errors.New("Signature verification failed.")
	}
	claims, err := joseJSON(claimsPart)
	if err != nil {
		return nil, err
	}
	return claims, registeredClaims(claims, now)
}

// registeredClaims is what jwt.py's _validate_claims still checks with
// autopush's options: iat and nbf, when there, what int() reads, nbf not
// ahead of now; jti a string; no at_hash (no access token to match).
func registeredClaims(claims map[string]any, now time.Time) error {
	if iat, ok := claims["iat"]; ok {
		if _, ok := pyInt(iat); !ok {
			return errors.New("Issued At claim (iat) must be an integer.")
		}
	}
	if nbf, ok := claims["nbf"]; ok {
		if n, ok := pyInt(nbf); !ok || n > float64(now.Unix()) {
			return errors.New("The token is not yet valid (nbf)")
		}
	}
	if jti, ok := claims["jti"]; ok {
		if _, isString := jti.(string); !isString {
			return errors.New("JWT ID must be a string.")
		}
	}
	if _, ok := claims["at_hash"]; ok {
		return errors.New("No access_token provided to compare against at_hash claim.")
	}
	return nil
}

// ecdsaKey is ecdsa 0.15's VerifyingKey.from_string on NIST P-256 of the
// last 64 bytes (keys.py:256-306): 64 bytes are X || Y, 33 a compressed
// point; the point must be on the curve.
func ecdsaKey(raw []byte) (*ecdsa.PublicKey, error) {
	if len(raw) > 64 {
		raw = raw[len(raw)-64:]
	}
	var point []byte
	switch len(raw) {
	case 64:
		point = append([]byte{4}, raw...)
	case 33:
		x, y := elliptic.UnmarshalCompressed(elliptic.P256(), raw)
		if x == nil {
			return nil, errors.New("Malformed compressed point encoding")
		}
		point = elliptic.Marshal(elliptic.P256(), x, y)
	default:
		return nil, errors.New("Length of string does not match lengths of any of the supported encodings")
	}
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
}

// joseJSON decodes a token segment as python-jose does: the lenient
// base64 decode, UTF-8, a JSON object.
func joseJSON(segment string) (map[string]any, error) {
	b, err := pybase64.URLSafeDecode(pybase64.Repad(segment))
	if err != nil {
		return nil, err
	}
	m, ok := jsonObject(b)
	if !ok {
		return nil, errors.New("not a UTF-8 JSON object")
	}
	return m, nil
}

// cutLast is strings.Cut at the last sep (Python's rsplit(sep, 1)).
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
