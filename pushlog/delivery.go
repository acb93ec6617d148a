package pushlog

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Messages of the records that report a delivery (reference: autopush.md).
const (
	MessageDelivered = "Successful delivery"
	MessageStored    = "Router miss, message stored."
)

// Delivery is one message delivered (or stored for later delivery) for an
// application server that signed it with a VAPID key.
type Delivery struct {
	// Key is the sender's VAPID public key, URL-safe base64 (jwt_crypto_key).
	Key string
	// Entry is what the processor keeps for the dashboard.
	Entry Entry
}

// Entry is one recent message of a VAPID key, as stored in the key's Redis
// list: {"id", "timestamp" (seconds since the epoch), "size" (bytes), "ttl"
// (seconds)} (reference: processor-and-messages-api.md).
type Entry struct {
	ID        string  `json:"id"`
	Timestamp float64 `json:"timestamp"`
	Size      int64   `json:"size"`
	TTL       int64   `json:"ttl"`
}

// Delivery reports whether the record is a delivery with a VAPID key, and
// returns it. A delivery record without jwt_crypto_key (a sender without
// VAPID) is not one. A delivery record with a key but unreadable fields is
// an error naming the field.
func (r Record) Delivery() (Delivery, bool, error) {
	if m := r.Message(); m != MessageDelivered && m != MessageStored {
		return Delivery{}, false, nil
	}
	if r.Fields.JWTCryptoKey == "" {
		return Delivery{}, false, nil
	}
	d := Delivery{Key: r.Fields.JWTCryptoKey}
	var err error
	if d.Entry.ID, err = stringField("message_id", r.Fields.MessageID); err != nil {
		return Delivery{}, false, err
	}
	if d.Entry.Size, err = intField("message_size", r.Fields.MessageSize); err != nil {
		return Delivery{}, false, err
	}
	if d.Entry.TTL, err = intField("message_ttl", r.Fields.MessageTTL); err != nil {
		return Delivery{}, false, err
	}
	ns, err := strconv.ParseInt(r.Timestamp.String(), 10, 64)
	if err != nil || ns < 0 {
		return Delivery{}, false, fmt.Errorf("Timestamp %q is not a whole number of nanoseconds since the epoch", r.Timestamp)
	}
	// Whole seconds and fraction apart: float64(ns)/1e9 rounds off the last digit.
	d.Entry.Timestamp = float64(ns/1e9) + float64(ns%1e9)/1e9
	return d, true, nil
}

func stringField(name string, raw json.RawMessage) (string, error) {
	if raw == nil || string(raw) == "null" {
		return "", fmt.Errorf("Fields.%s is missing", name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("Fields.%s is not a string", name)
	}
	return s, nil
}

// intField reads a whole number; servers log some numbers as strings.
func intField(name string, raw json.RawMessage) (int64, error) {
	if raw == nil || string(raw) == "null" {
		return 0, fmt.Errorf("Fields.%s is missing", name)
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
