// Package vapid checks VAPID public keys: the application server keys of
// RFC 8292, uncompressed P-256 points in URL-safe base64.
package vapid

import (
	"crypto/ecdh"
	"encoding/base64"
	"fmt"
	"strings"
)

// PublicKeyBytes is the length of an uncompressed P-256 point: 0x04, X, Y
// (SEC 1, section 2.3.3).
const PublicKeyBytes = 65

// ParsePublicKey checks that s is a VAPID public key and returns its
// canonical form: URL-safe base64 without padding, as servers log it in
// jwt_crypto_key. The error says what is wrong.
func ParsePublicKey(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("public key is empty")
	}
	if strings.ContainsAny(s, "\r\n") {
		// The base64 decoder skips line breaks; a key never has them.
		return "", fmt.Errorf("public key contains a line break")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return "", fmt.Errorf("public key is not URL-safe base64: %w", err)
	}
	if len(raw) != PublicKeyBytes || raw[0] != 0x04 {
		return "", fmt.Errorf("public key decodes to %d bytes; a VAPID key is an uncompressed P-256 point of %d bytes starting with 0x04",
			len(raw), PublicKeyBytes)
	}
	if _, err := ecdh.P256().NewPublicKey(raw); err != nil {
		return "", fmt.Errorf("public key is not a point on the P-256 curve")
	}
	canonical := base64.RawURLEncoding.EncodeToString(raw)
	if s != canonical && s != base64.URLEncoding.EncodeToString(raw) {
		return "", fmt.Errorf("public key has extra padding; send it without '=' or with exactly one")
	}
	return canonical, nil
}

// Canonical returns the form ParsePublicKey returns, without checking the
// key: used to match keys read from logs.
func Canonical(s string) string { return strings.TrimRight(s, "=") }
