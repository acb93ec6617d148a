// Package pushreceiver is the user agent's side of Web Push message
// encryption (RFC 8291 with the aes128gcm content coding of RFC 8188): a
// subscription's key pair and authentication secret, and the decryption
// of the messages sent to it. The smoke test uses it to read what it sent
// through the push service.
package pushreceiver

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// Receiver is one subscription's keys: an ECDH P-256 key pair (the
// subscription's p256dh) and a 16-byte authentication secret (its auth).
type Receiver struct {
	key  *ecdh.PrivateKey
	auth []byte
}

// New makes a subscription with fresh keys.
func New() (*Receiver, error) {
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pushreceiver: key: %w", err)
	}
	auth := make([]byte, 16)
	if _, err := rand.Read(auth); err != nil {
		return nil, fmt.Errorf("pushreceiver: auth secret: %w", err)
	}
	return &Receiver{key: key, auth: auth}, nil
}

// FromKeys is a subscription with the given private key (32 bytes) and
// auth secret (16 bytes).
func FromKeys(private, auth []byte) (*Receiver, error) {
	key, err := ecdh.P256().NewPrivateKey(private)
	if err != nil {
		return nil, fmt.Errorf("pushreceiver: private key: %w", err)
	}
	if len(auth) != 16 {
		return nil, fmt.Errorf("pushreceiver: auth secret is %d bytes; RFC 8291 uses 16", len(auth))
	}
	return &Receiver{key: key, auth: auth}, nil
}

// P256dh is the subscription's public key, unpadded base64url of the
// 65-byte uncompressed point, as a PushSubscription's keys.p256dh.
func (r *Receiver) P256dh() string {
	return base64.RawURLEncoding.EncodeToString(r.key.PublicKey().Bytes())
}

// Auth is the authentication secret, unpadded base64url, as keys.auth.
func (r *Receiver) Auth() string { return base64.RawURLEncoding.EncodeToString(r.auth) }

// headerLen is the aes128gcm header with a 65-byte key id: salt (16),
// record size (4), key id length (1), key id (65) (RFC 8188 section 2.1).
const headerLen = 16 + 4 + 1 + 65

// Decrypt reads an aes128gcm message body sent to this subscription and
// returns its plaintext. It accepts one record, as RFC 8291 section 4
// requires of Web Push messages, and fails on anything else, naming what
// was wrong.
func (r *Receiver) Decrypt(body []byte) ([]byte, error) {
	if len(body) < headerLen {
		return nil, fmt.Errorf("pushreceiver: body of %d bytes is shorter than the aes128gcm header", len(body))
	}
	salt, rs, idLen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idLen != 65 {
		return nil, fmt.Errorf("pushreceiver: key id of %d bytes; Web Push sends the 65-byte sender key", idLen)
	}
	sender, err := ecdh.P256().NewPublicKey(body[21:headerLen])
	if err != nil {
		return nil, fmt.Errorf("pushreceiver: sender key: %w", err)
	}
	record := body[headerLen:]
	if uint32(len(record)) > rs {
		return nil, fmt.Errorf("pushreceiver: %d bytes after the header exceed the record size %d: more than one record", len(record), rs)
	}
	shared, err := r.key.ECDH(sender)
	if err != nil {
		return nil, fmt.Errorf("pushreceiver: ECDH: %w", err)
	}
	// RFC 8291 section 3.4: the input keying material from the ECDH
	// secret, the auth secret and both public keys.
	info := append([]byte("WebPush: info\x00"), r.key.PublicKey().Bytes()...)
	info = append(info, sender.Bytes()...)
	ikm, err := hkdf.Key(sha256.New, shared, r.auth, string(info), 32)
	if err != nil {
		return nil, err
	}
	// RFC 8188 section 2.2 and 2.3: the content encryption key and nonce.
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, record, nil)
	if err != nil {
		return nil, fmt.Errorf("pushreceiver: the record does not decrypt with this subscription's keys: %w", err)
	}
	// The last record ends with the delimiter 2, then zero padding.
	for i := len(plain) - 1; i >= 0; i-- {
		switch plain[i] {
		case 0:
			continue
		case 2:
			return plain[:i], nil
		}
		break
	}
	return nil, errors.New("pushreceiver: the record has no last-record delimiter (2)")
}
