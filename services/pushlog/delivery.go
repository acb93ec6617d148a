package pushlog

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Messages of the records that report an accepted WebPush message
// (autopush 1.58.4: web/webpush.py, web/base.py; reference: autopush.md).
const (
	// MessageDelivered: handed straight to a connected client.
	MessageDelivered = "Successful delivery"
	// MessageStored: stored for an offline client; logged by 1.58.0 to
	// 1.58.2 only (from 1.58.3 the server answers 201 and skips it).
	MessageStored = "Router miss, message stored."
	// MessageTimings ends every request. With status_code 200, 201 or 202
	// (see accepted) and a message_id it reports an accepted message,
	// stored or delivered: the one record that shows stored messages from
	// 1.58.3 on.
	MessageTimings = "Request timings"
)

// Delivery is one message an application server that signs with a VAPID
// key sent through the push service.
type Delivery struct {
	// Key is the VAPID public key the server verified the sender's token
	// with (see SigningKey), in the canonical form the Messages API
	// registers: URL-safe base64 without padding of the 65-byte point.
	Key string
	// Entry is what the processor keeps for the dashboard.
	Entry Entry
}

// Entry is one recent message of a VAPID key, as stored in the key's Redis
// list: {"id", "timestamp" (seconds since the epoch, to the microsecond),
// "size" (length of the base64url-encoded body, bytes), "ttl" (seconds, 0
// when the sender gave none)} (reference: processor-and-messages-api.md).
// It never holds the sender's Authorization header or anything else of
// the record.
type Entry struct {
	ID        string  `json:"id"`
	Timestamp float64 `json:"timestamp"`
	Size      int64   `json:"size"`
	TTL       int64   `json:"ttl"`
	// Stored: the client was offline, so the server stored the message
	// for it ("Router miss, message stored.", or "Request timings" with
	// status 201 or 202); absent (false) for one handed straight to a
	// connected client.
	Stored bool `json:"stored,omitempty"`
}

// UnattributedError is a record of a message the server accepted that
// does not show which key signed it: a sender of an earlier draft scheme
// ("WebPush <JWT>", key in the unlogged Crypto-Key header) whose token
// has a "crypto_key" claim, which replaces the logged key. A sender can
// write such a record at will, so it is counted apart from records the
// server cannot write (format drift), and credited to no key.
type UnattributedError struct{ Reason string }

func (e *UnattributedError) Error() string { return "unattributed: " + e.Reason }

// Delivery reports whether the record reports an accepted message signed
// with a VAPID key, and returns it: a delivery or stored record, or the
// "Request timings" record of an accepted message (see accepted). A record
// of a sender without VAPID (an empty Authorization header) is not one.
// The key is the one that signed, read from the logged Authorization
// header as the server reads it (ParseAuthorization, SigningKey). The
// error is an *UnattributedError for a record that cannot show the
// signing key, and otherwise names what a 1.58.4 server would not have
// written so.
func (r Record) Delivery() (Delivery, bool, error) {
	return r.delivery(SigningKey)
}

// delivery is Delivery with the key decoder given (Scan's remembers the
// keys it decoded).
func (r Record) delivery(signingKey func(text string) (string, error)) (Delivery, bool, error) {
	switch r.Message() {
	case MessageDelivered, MessageStored:
	case MessageTimings:
		if !accepted(r.Fields.StatusCode) || absent(r.Fields.MessageID) {
			return Delivery{}, false, nil
		}
	default:
		return Delivery{}, false, nil
	}
	auth, err := stringField("authorization", r.Fields.Authorization)
	if err != nil {
		return Delivery{}, false, err
	}
	if auth == "" {
		// validate_auth skips a request without the header, so the
		// server sets no jwt_ field for it.
		if !absent(r.Fields.JWTCryptoKey) {
			return Delivery{}, false, errors.New("Fields.jwt_crypto_key is set without an Authorization header")
		}
		return Delivery{}, false, nil
	}
	key, err := signer(auth, r.Fields.JWTCryptoKey, signingKey)
	if err != nil {
		return Delivery{}, false, err
	}
	d := Delivery{Key: key}
	if d.Entry.ID, err = stringField("message_id", r.Fields.MessageID); err != nil {
		return Delivery{}, false, err
	}
	if d.Entry.Size, err = intField("message_size", r.Fields.MessageSize); err != nil {
		return Delivery{}, false, err
	}
	if !absent(r.Fields.MessageTTL) {
		if d.Entry.TTL, err = intField("message_ttl", r.Fields.MessageTTL); err != nil {
			return Delivery{}, false, err
		}
	}
	if d.Entry.Timestamp, err = Seconds(r.Timestamp); err != nil {
		return Delivery{}, false, err
	}
	d.Entry.Stored = r.Message() == MessageStored || (r.Message() == MessageTimings && stored(r.Fields.StatusCode))
	return d, true, nil
}

// signer returns the key that signed an accepted request with the given
// Authorization header. With the vapid scheme it is k as the server read
// it. With a draft scheme the server verified with the unlogged
// Crypto-Key header and logged that key as jwt_crypto_key (unpadded
// base64url of its text, utils.py base64url_encode), which is proof only
// when the token has no "crypto_key" claim to replace it.
func signer(auth string, jwtCryptoKey json.RawMessage, signingKey func(string) (string, error)) (string, error) {
	a, err := ParseAuthorization(auth)
	if err != nil {
		return "", err
	}
	if a.Scheme == "vapid" {
		if !isASCII(a.Key) {
			// json.dumps writes a character as \uXXXX whatever the
			// header's bytes were (UTF-8, or CESU-8, which Python 2
			// takes), and repad counts those bytes: the log does not
			// keep what the server decoded.
			return "", &UnattributedError{"a vapid k with characters outside ASCII"}
		}
		return signingKey(a.Key)
	}
	switch has, ok := hasClaim(a.Token, "crypto_key"); {
	case !ok:
		return "", &UnattributedError{"a " + a.Scheme + " token whose claims are not plain base64url JSON"}
	case has:
		return "", &UnattributedError{"a " + a.Scheme + " token with a crypto_key claim, which replaces the logged key"}
	}
	logged, err := stringField("jwt_crypto_key", jwtCryptoKey)
	if err != nil {
		return "", err
	}
	text, err := base64.RawURLEncoding.DecodeString(logged)
	if err != nil {
		return "", fmt.Errorf("Fields.jwt_crypto_key is not unpadded base64url: %v", err)
	}
	return signingKey(string(text))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > 0x7f {
			return false
		}
	}
	return true
}

// Seconds reads a record's Timestamp, nanoseconds since the epoch as a
// float (1.796108707771493e+18; a whole number is read too), as seconds
// rounded to the microsecond: a float64 of about 1.8e18 ns is exact to
// 256 ns, so the microsecond is the finest digit that means something.
func Seconds(ts json.Number) (float64, error) {
	ns, err := strconv.ParseFloat(string(ts), 64)
	if err != nil || math.IsNaN(ns) || math.IsInf(ns, 0) || ns < 0 {
		return 0, fmt.Errorf("Timestamp %q is not a time in nanoseconds since the epoch", ts)
	}
	return math.Round(ns/1e3) / 1e6, nil
}

func absent(raw json.RawMessage) bool { return raw == nil || string(raw) == "null" }

// accepted reports whether a "Request timings" status_code is that of an
// accepted message. The record logs the router's logged_status
// (web/base.py): 200 delivered, 201 stored (1.58.3 on), 202 stored
// (1.58.0 to 1.58.2). 204 is a TTL=0 message for an offline client,
// answered 201 but dropped: not counted.
func accepted(raw json.RawMessage) bool {
	code, err := strconv.Atoi(strings.Trim(string(raw), `"`))
	return err == nil && (code == 200 || code == 201 || code == 202)
}

// stored reports whether a "Request timings" status_code is that of a
// message stored for an offline client: 201 (1.58.3 on) or 202 (1.58.0 to
// 1.58.2).
func stored(raw json.RawMessage) bool {
	code, err := strconv.Atoi(strings.Trim(string(raw), `"`))
	return err == nil && (code == 201 || code == 202)
}

func stringField(name string, raw json.RawMessage) (string, error) {
	if absent(raw) {
		return "", fmt.Errorf("Fields.%s is missing", name)
	}
	if s, ok := plainString(raw); ok {
		return s, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("Fields.%s is not a string", name)
	}
	return s, nil
}

// intField reads a whole number; servers log some numbers as strings.
func intField(name string, raw json.RawMessage) (int64, error) {
	if absent(raw) {
		return 0, fmt.Errorf("Fields.%s is missing", name)
	}
	if v, ok := plainDigits(raw); ok {
		return v, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, fmt.Errorf("Fields.%s is not a number", name)
		}
		n = json.Number(s)
	}
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("Fields.%s %q is not a whole number of at least 0", name, n)
	}
	return v, nil
}

// plainDigits reads a number written as plain digits, the way the server
// writes its counts; anything else is for the JSON decoder.
func plainDigits(raw []byte) (int64, bool) {
	if len(raw) == 0 || len(raw) > 18 {
		return 0, false
	}
	var v int64
	for _, b := range raw {
		if b < '0' || b > '9' {
			return 0, false
		}
		v = v*10 + int64(b-'0')
	}
	return v, true
}
