// Package keyrotation rotates a push stack's crypto key safely: every node
// accepts a new key before any node hands out endpoints under it, no key
// is ever lost from the stack's key list but the one an operator drops,
// and each step waits until every node of both Auto Scaling groups runs
// the launch template that carries the new key list (their instance
// refreshes ended Successful).
//
// The key list is what the stack's key parameter holds: cryptoKey (the
// key new endpoints are issued with) first, then previousCryptoKeys (keys
// still accepted), newest first. autopush encrypts with the first key of
// its crypto_key list and decrypts with any of them (autopush.md,
// crypto_key; Fernet's MultiFernet), and every node reads the list at
// boot, so a change reaches a node only when it is replaced.
package keyrotation

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// Keys is a stack's key list. Its values are secrets: print
// Fingerprint(key), never a key.
type Keys struct {
	// Current is the key nodes issue new endpoints with (cryptoKey).
	Current string
	// Previous are keys nodes still accept, newest first
	// (previousCryptoKeys).
	Previous []string
}

// All is the list as the key parameter holds it, current first.
func (k Keys) All() []string { return append([]string{k.Current}, k.Previous...) }

// Equal reports whether both lists hold the same keys in the same order.
func (k Keys) Equal(o Keys) bool {
	return k.Current == o.Current && slices.Equal(k.Previous, o.Previous)
}

// Check refuses a list the stack would refuse: a current key missing, a
// key that is not a Fernet key, a key listed twice. Messages name keys by
// their place and fingerprint only.
func (k Keys) Check() error {
	if k.Current == "" {
		return fmt.Errorf("no current key")
	}
	seen := map[string]string{}
	for i, key := range k.All() {
		place := "cryptoKey"
		if i > 0 {
			place = fmt.Sprintf("previousCryptoKeys[%d]", i-1)
		}
		if problem := stackconfig.FernetKeyProblem(key); problem != "" {
			return fmt.Errorf("%s %s", place, problem)
		}
		if other, dup := seen[key]; dup {
			return fmt.Errorf("%s repeats %s (%s)", place, other, Fingerprint(key))
		}
		seen[key] = place
	}
	return nil
}

// Accept is step 1 of a rotation: key becomes accepted by every node,
// while Current still issues endpoints. It is inserted first among
// Previous (the newest), every other key kept in its order.
func (k Keys) Accept(key string) (Keys, error) {
	if err := k.Check(); err != nil {
		return Keys{}, err
	}
	next := Keys{Current: k.Current, Previous: append([]string{key}, k.Previous...)}
	if err := next.Check(); err != nil {
		return Keys{}, fmt.Errorf("new key: %w", err)
	}
	return next, nil
}

// Promote is step 2: the newest accepted key (Previous[0]) issues
// endpoints, and the key that did becomes the newest accepted one. It
// keeps every key; run it only once every node accepts Previous[0].
func (k Keys) Promote() (Keys, error) {
	if err := k.Check(); err != nil {
		return Keys{}, err
	}
	if len(k.Previous) == 0 {
		return Keys{}, fmt.Errorf("no accepted key to make current: previousCryptoKeys is empty (a rotation's first step adds one)")
	}
	previous := append([]string{k.Current}, k.Previous[1:]...)
	return Keys{Current: k.Previous[0], Previous: previous}, nil
}

// Drop removes Previous[i]: endpoints issued under it stop working. The
// current key cannot be dropped (every node hands out endpoints under it).
func (k Keys) Drop(i int) (Keys, error) {
	if err := k.Check(); err != nil {
		return Keys{}, err
	}
	if i < 0 || i >= len(k.Previous) {
		return Keys{}, fmt.Errorf("previousCryptoKeys[%d] does not exist: the stack has %d previous key(s) (indexes 0 to %d); the current key cannot be dropped",
			i, len(k.Previous), len(k.Previous)-1)
	}
	previous := slices.Delete(slices.Clone(k.Previous), i, i+1)
	return Keys{Current: k.Current, Previous: previous}, nil
}

// NewKey makes a Fernet key: 32 bytes from crypto/rand, URL-safe base64
// with padding, 44 characters (the Fernet spec's key format).
func NewKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random key: %w", err)
	}
	return base64.URLEncoding.EncodeToString(b), nil
}

// Fingerprint names a key without revealing it: "sha256:" and the first 8
// hex digits of its SHA-256 (a digest of 256 random bits tells nothing of
// them).
func Fingerprint(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:4])
}
