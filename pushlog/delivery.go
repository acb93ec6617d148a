package pushlog

import (
	"encoding/base64"
	"encoding/json"
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
	// Key is the sender's VAPID public key in canonical form: URL-safe
	// base64 without padding, as the Messages API registers it. The
	// record's jwt_crypto_key is decoded once to get it.
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
}

// Delivery reports whether the record reports an accepted message signed
// with a VAPID key, and returns it: a delivery or stored record, or the
// "Request timings" record of an accepted message (see accepted). A record
// without jwt_crypto_key (a sender without VAPID) is not one. A delivery
// whose fields cannot be read, or whose key the sender's Authorization
// header does not vouch for, is an error naming the problem.
func (r Record) Delivery() (Delivery, bool, error) {
	return r.delivery(rawSenderKey)
}

// rawSenderKey is SenderKey of a JSON string.
func rawSenderKey(raw []byte) (string, error) {
	s, err := stringField("jwt_crypto_key", raw)
	if err != nil {
		return "", err
	}
	return SenderKey(s)
}

// delivery is Delivery with the jwt_crypto_key decoder given (Scan's
// remembers the keys it decoded).
func (r Record) delivery(senderKey func([]byte) (string, error)) (Delivery, bool, error) {
	switch r.Message() {
	case MessageDelivered, MessageStored:
	case MessageTimings:
		if !accepted(r.Fields.StatusCode) || absent(r.Fields.MessageID) || absent(r.Fields.JWTCryptoKey) {
			return Delivery{}, false, nil
		}
	default:
		return Delivery{}, false, nil
	}
	if absent(r.Fields.JWTCryptoKey) || string(r.Fields.JWTCryptoKey) == `""` {
		return Delivery{}, false, nil
	}
	key, err := senderKey(r.Fields.JWTCryptoKey)
	if err != nil {
		return Delivery{}, false, err
	}
	auth, err := stringField("authorization", r.Fields.Authorization)
	if err != nil {
		return Delivery{}, false, err
	}
	if err := checkAuthorization(auth, key); err != nil {
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
	return d, true, nil
}

// SenderKey decodes a record's jwt_crypto_key: unpadded base64url of the
// key text the sender wrote (autopush/utils.py base64url_encode), which is
// itself URL-safe base64 of the P-256 point, with or without '=' padding.
// It returns that key without padding, the form the Messages API
// registers, so an 87- and an 88-character sender key give the same key.
func SenderKey(jwtCryptoKey string) (string, error) {
	text, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(jwtCryptoKey, "="))
	if err != nil {
		return "", fmt.Errorf("Fields.jwt_crypto_key is not base64url: %v", err)
	}
	return canonicalKey(string(text)), nil
}

// canonicalKey is a key text in the URL-safe alphabet without padding: the
// server also takes a key in the standard alphabet (Python's
// urlsafe_b64decode keeps '+' and '/').
func canonicalKey(text string) string {
	return strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(text), "=")
}

// checkAuthorization refuses a logged key the sender's Authorization
// header does not vouch for. autopush copies every claim of the sender's
// token into the record as jwt_<claim> (web/webpush.py post), so a token
// with a "crypto_key" claim would log any key it names. With the vapid
// scheme (RFC 8292: "vapid t=<JWT>, k=<key>") the logged key must be k;
// with the earlier WebPush and Bearer schemes (key in the unlogged
// Crypto-Key header) the token must not have such a claim.
func checkAuthorization(authorization, key string) error {
	scheme, params, _ := strings.Cut(strings.TrimSpace(authorization), " ")
	switch strings.ToLower(scheme) {
	case "vapid":
		for _, p := range strings.Split(params, ",") {
			if k, ok := strings.CutPrefix(strings.TrimSpace(p), "k="); ok {
				if canonicalKey(k) != key {
					return fmt.Errorf("Fields.jwt_crypto_key is not the key of the sender's Authorization header")
				}
				return nil
			}
		}
		return fmt.Errorf("Fields.authorization has no k= key")
	case "webpush", "bearer":
		parts := strings.Split(strings.TrimSpace(params), ".")
		if len(parts) != 3 {
			return fmt.Errorf("Fields.authorization holds no JWT")
		}
		payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
		if err != nil {
			return fmt.Errorf("Fields.authorization holds no JWT")
		}
		var claims map[string]json.RawMessage
		if err := json.Unmarshal(payload, &claims); err != nil {
			return fmt.Errorf("Fields.authorization holds no JWT")
		}
		for c := range claims {
			if strings.EqualFold(c, "crypto_key") {
				return fmt.Errorf("the sender's token has a crypto_key claim, which replaces the logged key")
			}
		}
		return nil
	}
	return fmt.Errorf("Fields.authorization has no VAPID scheme")
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
