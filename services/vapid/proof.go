package vapid

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// ProofAudience is the "aud" of a proof of possession: an origin (web-push
// libraries take only an origin) under .invalid, a top-level domain
// reserved never to resolve (RFC 2606, section 2). A token an application
// server sends to the push service carries that service's origin instead,
// and the servers log it (it reaches the log bucket), so no such token can
// pass as a proof.
const ProofAudience = "https://messages-api.push-turnkey.invalid"

// MaxProofLifetime bounds how far a proof's "exp" may lie ahead: an hour,
// and ProofClockSkew more, so that a proof made for an hour on a clock
// that runs a few minutes fast is taken (an expired proof gets no such
// grace). A proof can be replayed until it expires, so it lives far less
// than RFC 8292's 24 hours (section 2), and less than the 12 hours npm's
// web-push gives a push token by default (3.6.7 src/vapid-helper.js,
// DEFAULT_EXPIRATION_SECONDS, line 14): an app server tricked into
// pushing to the proof audience makes no proof by default.
const (
	MaxProofLifetime = time.Hour
	ProofClockSkew   = 5 * time.Minute
)

// Proof is a verified proof that its bearer holds the private key of Key
// (canonical form, ParsePublicKey's), good until Expires.
type Proof struct {
	Key     string
	Expires time.Time
}

// VerifyProof checks header, the Authorization value a web-push library
// makes for ProofAudience ("vapid t=<JWT>, k=<public key>"; RFC 8292,
// section 3): the scheme is vapid (any case); t and k are each given once;
// k is a VAPID public key; t is a JWT whose header names ES256, whose
// signature (r || s, 64 bytes, RFC 7518 section 3.4) k verifies, whose
// "aud" is ProofAudience and whose "exp" (seconds since the epoch) lies
// after now and at most MaxProofLifetime + ProofClockSkew after it. The error says which
// rule failed.
func VerifyProof(header string, now time.Time) (Proof, error) {
	token, key, err := proofParts(header)
	if err != nil {
		return Proof{}, err
	}
	pub, err := publicKey(key)
	if err != nil {
		return Proof{}, err
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Proof{}, errors.New("t is not a JWT (three base64url parts joined by '.')")
	}
	var head struct {
		Alg string `json:"alg"`
	}
	if err := decodePart(parts[0], &head); err != nil {
		return Proof{}, fmt.Errorf("the JWT's header: %w", err)
	}
	if head.Alg != "ES256" {
		return Proof{}, fmt.Errorf("the JWT's alg is %q; a VAPID token is signed with ES256", head.Alg)
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return Proof{}, errors.New("the JWT's signature is not 64 bytes of base64url (r || s)")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return Proof{}, errors.New("the JWT's signature does not verify with k: it was not signed by the private key of this public key")
	}
	var claims struct {
		Aud any `json:"aud"`
		Exp any `json:"exp"`
	}
	if err := decodePart(parts[1], &claims); err != nil {
		return Proof{}, fmt.Errorf("the JWT's claims: %w", err)
	}
	if aud, _ := claims.Aud.(string); aud != ProofAudience {
		return Proof{}, fmt.Errorf("the JWT's aud is %v; a proof for this dashboard has aud %s (a token made for a push service is not one)", claims.Aud, ProofAudience)
	}
	exp, ok := claims.Exp.(float64)
	if !ok || exp != float64(int64(exp)) {
		return Proof{}, errors.New("the JWT's exp is not a whole number of seconds")
	}
	expires := time.Unix(int64(exp), 0)
	switch {
	case !expires.After(now):
		return Proof{}, fmt.Errorf("the JWT expired at %s: make a new one", expires.UTC().Format(time.RFC3339))
	case expires.Sub(now) > MaxProofLifetime+ProofClockSkew:
		return Proof{}, fmt.Errorf("the JWT's exp is %s, more than an hour ahead: a proof lives at most an hour", expires.UTC().Format(time.RFC3339))
	}
	return Proof{Key: key, Expires: expires}, nil
}

// proofParts splits header into its t and k (k canonical).
func proofParts(header string) (token, key string, err error) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "vapid") {
		return "", "", errors.New(`the proof is not "vapid t=<JWT>, k=<public key>"`)
	}
	seen := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.TrimSpace(name)
		if !ok || (name != "t" && name != "k") {
			return "", "", fmt.Errorf("the proof has a part %q; it has t= and k= only", strings.TrimSpace(part))
		}
		if _, twice := seen[name]; twice {
			return "", "", fmt.Errorf("the proof gives %s twice", name)
		}
		seen[name] = strings.TrimSpace(value)
	}
	if seen["t"] == "" || seen["k"] == "" {
		return "", "", errors.New("the proof lacks t= or k=")
	}
	key, err = ParsePublicKey(seen["k"])
	if err != nil {
		return "", "", fmt.Errorf("k: %w", err)
	}
	return seen["t"], key, nil
}

func publicKey(canonical string) (*ecdsa.PublicKey, error) {
	raw, err := base64.RawURLEncoding.DecodeString(canonical)
	if err != nil {
		return nil, err
	}
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
}

// decodePart decodes one base64url JWT part as JSON into v. Its members
// are read exactly: encoding/json matches names without regard to case
// and keeps the last of duplicates, so a member given twice, or in two
// cases, is refused rather than read one way here and another elsewhere.
func decodePart(part string, v any) error {
	data, err := base64.RawURLEncoding.Strict().DecodeString(part)
	if err != nil {
		return errors.New("not base64url")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	seen := map[string]bool{}
	if _, err := dec.Token(); err != nil { // {
		return errors.New("not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return errors.New("not a JSON object")
		}
		name, _ := tok.(string)
		if seen[strings.ToLower(name)] {
			return fmt.Errorf("member %q is given twice", name)
		}
		seen[strings.ToLower(name)] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return errors.New("not a JSON object")
		}
	}
	return json.Unmarshal(data, v)
}

// SignProof makes a proof of holding privateKey (the VAPID private key as
// web-push libraries keep it: the scalar d, 32 bytes of URL-safe base64)
// that expires at exp: the Authorization value "vapid t=<JWT>, k=<public
// key>" a web-push library makes for ProofAudience (RFC 8292, section 2:
// an ES256 JWT with aud, exp and sub). It is what cmd/smoke and the
// dashboard's instructions use; VerifyProof checks it.
func SignProof(privateKey string, exp time.Time, subject string) (string, error) {
	d, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(privateKey, "="))
	if err != nil {
		return "", fmt.Errorf("the private key is not URL-safe base64: %w", err)
	}
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	if err != nil {
		return "", fmt.Errorf("the private key is not a P-256 scalar: %w", err)
	}
	claims, err := json.Marshal(map[string]any{"aud": ProofAudience, "exp": exp.Unix(), "sub": subject})
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT","alg":"ES256"}`)) + "." + base64.RawURLEncoding.EncodeToString(claims)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	public, err := key.PublicKey.Bytes()
	if err != nil {
		return "", err
	}
	return "vapid t=" + input + "." + base64.RawURLEncoding.EncodeToString(sig) + ", k=" + base64.RawURLEncoding.EncodeToString(public), nil
}
