package pushlog

import (
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/push-turnkey/push-turnkey/services/pushlog/pybase64"
)

// The sender of a WebPush request controls its Authorization header and
// every claim of its token, and autopush 1.58.4 logs both: the header
// whole (authorization) and each claim as jwt_<claim>, after
// jwt_crypto_key, so a "crypto_key" claim replaces the logged key
// (web/webpush.py lines 513-519). The key that signed is therefore read
// from the header, exactly as the server reads it, never from
// jwt_crypto_key alone.

// AuthSchemes are the Authorization schemes autopush 1.58.4 takes
// (web/base.py line 31, AUTH_SCHEMES): "vapid" is RFC 8292 (key in the
// header), "webpush" and "bearer" the earlier drafts (key in the
// Crypto-Key header, which the server does not log).
var AuthSchemes = []string{"bearer", "webpush", "vapid"}

// Authorization is a sender's Authorization header as autopush 1.58.4's
// parse_auth_header reads it (utils.py lines 609-629).
type Authorization struct {
	// Scheme is the text before the first space, lower-cased (ASCII, as
	// Python 2's str.lower): one of AuthSchemes.
	Scheme string
	// Token is the JWT: t of the vapid scheme, everything after the first
	// space for the draft schemes.
	Token string
	// Key is k of the vapid scheme, spaces removed, as the server
	// verifies the token with it; "" for the draft schemes.
	Key string
}

// ParseAuthorization reads a logged Authorization header as autopush
// 1.58.4 does, so that pushlog credits the key the server verified:
//   - the scheme ends at the first space (str.split(' ', 1)); without a
//     space the server answers 401 "Missing Auth Token";
//   - an unknown scheme makes parse_endpoint answer 401;
//   - for vapid, every space of the rest is removed (tabs are not), the
//     rest is split on ',' and each part at its first '=' (a part without
//     '=' is a 401); names are case-sensitive and a later part replaces
//     an earlier one of the same name, so the LAST k wins;
//   - t and k must be there and not empty (validate_auth: KeyError, and
//     extract_jwt returns no claims, hence no "aud", for an empty one).
//
// The error names the rule a header breaks: a record of an accepted
// message with such a header is not one 1.58.4 writes.
func ParseAuthorization(header string) (Authorization, error) {
	scheme, rest, ok := strings.Cut(header, " ")
	if !ok {
		return Authorization{}, errors.New("Fields.authorization has no space after its scheme (the server answers 401 Missing Auth Token)")
	}
	a := Authorization{Scheme: asciiLower(scheme)}
	switch a.Scheme {
	case "vapid":
	case "webpush", "bearer":
		if rest == "" {
			return Authorization{}, errors.New("Fields.authorization has no token")
		}
		a.Token = rest
		return a, nil
	default:
		return Authorization{}, errors.New("Fields.authorization has a scheme the server refuses")
	}
	var haveT, haveK bool
	for part := range strings.SplitSeq(rest, ",") {
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			return Authorization{}, errors.New("Fields.authorization has a part without '=' (the server answers 401 Invalid Auth Token)")
		}
		switch withoutSpaces(name) {
		case "t":
			a.Token, haveT = withoutSpaces(value), true
		case "k":
			a.Key, haveK = withoutSpaces(value), true
		}
	}
	switch {
	case !haveT || a.Token == "":
		return Authorization{}, errors.New("Fields.authorization has no t= token")
	case !haveK || a.Key == "":
		return Authorization{}, errors.New("Fields.authorization has no k= key")
	}
	return a, nil
}

// asciiLower lower-cases A to Z only: Python 2's str.lower of the
// header's bytes (Go's strings.ToLower would also fold "İ" or "K").
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// withoutSpaces is s with every space removed (Python's str.replace); it
// allocates only when there is one.
func withoutSpaces(s string) string {
	if strings.IndexByte(s, ' ') < 0 {
		return s
	}
	return strings.ReplaceAll(s, " ", "")
}

// SigningKey returns the VAPID public key the server verified a token
// with, given the key text it used (k of the vapid scheme, or the
// Crypto-Key header's p256ecdsa for the draft schemes), in the canonical
// form the Messages API registers: URL-safe base64 without padding of the
// uncompressed point 0x04 || X || Y. autopush 1.58.4 (without
// --use_cryptography) decodes the text with Python's lenient
// urlsafe_b64decode after repad and hands the LAST 64 bytes to ecdsa
// 0.15's VerifyingKey.from_string (utils.py extract_jwt, lines 204-208),
// which reads 64 bytes as X || Y and 33 bytes as a compressed point
// (keys.py from_string). So every text that decodes to the same point is
// the same key: padded or not, either alphabet, with characters the
// decoder skips, raw, SPKI or compressed. Any other length, or a
// compressed point off the curve, is an error: the server answers 401.
func SigningKey(text string) (string, error) {
	raw, err := pybase64.URLSafeDecode(pybase64.Repad(text))
	if err != nil {
		return "", errors.New("the signing key is not base64 as the server reads it: " + err.Error())
	}
	point := make([]byte, 65)
	point[0] = 0x04
	switch {
	case len(raw) >= 64:
		copy(point[1:], raw[len(raw)-64:])
	case len(raw) == 33:
		x, y := elliptic.UnmarshalCompressed(elliptic.P256(), raw)
		if x == nil {
			return "", errors.New("the signing key is a compressed point that is not on P-256 (the server answers 401)")
		}
		x.FillBytes(point[1:33])
		y.FillBytes(point[33:])
	default:
		return "", fmt.Errorf("the signing key decodes to %d bytes, not 64 or more or 33 (the server answers 401)", len(raw))
	}
	return base64.RawURLEncoding.EncodeToString(point), nil
}

// hasClaim reports whether a draft-scheme token's claims hold name, read
// strictly: three dot-separated base64url segments whose second is a JSON
// object. ok is false for any token it cannot read so; the server may
// still have read it (python-jose decodes leniently), so the caller must
// then take the logged key as unproven.
func hasClaim(token, name string) (has, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false, false
	}
	// Strict: URL-safe alphabet only, so Go and Python decode alike.
	data, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return false, false
	}
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(data, &claims); err != nil {
		return false, false
	}
	_, has = claims[name]
	return has, true
}
