package pushlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxReasons bounds Counts.Reasons.
const MaxReasons = 5

// Counts are what one log object held.
type Counts struct {
	// Records counts every framed record, readable or not.
	Records int `json:"records"`
	// Deliveries counts the distinct messages (per message id) signed
	// with a VAPID key: a message logged twice (its delivery record and
	// its request's timings, or a batch Firehose got twice) once.
	Deliveries int `json:"deliveries"`
	// Unattributed counts the distinct messages the server accepted whose
	// records cannot show the key that signed (UnattributedError). Any
	// sender can cause them, so they are no sign of format drift.
	Unattributed int `json:"unattributed"`
	// Unreadable counts records that report an accepted message in a form
	// a 1.58.4 server does not write: a field missing or of another type,
	// an Authorization header the server refuses. No sender can cause
	// one, so they mean format drift.
	Unreadable int `json:"unreadable"`
	// Malformed counts records that are not a JSON object.
	Malformed int `json:"malformed"`
	// Reasons are the first MaxReasons problems that mean drift
	// (unreadable or malformed), "byte <offset>: <reason>".
	Reasons []string `json:"reasons,omitempty"`
}

func (c *Counts) problem(offset int64, err error) {
	if len(c.Reasons) < MaxReasons {
		c.Reasons = append(c.Reasons, fmt.Sprintf("byte %d: %v", offset, err))
	}
}

// Scan reads a log object (plain or GZIP, detected) and calls fn once for
// every distinct delivery signed with a VAPID key, in log order; it
// returns what the object held. Only records whose "message" is one that
// can report a delivery are read, and only for the fields a delivery
// needs (fast.go; a record it cannot read so is decoded in full): the
// rest are counted, and checked only for being framed as a JSON object,
// which keeps the scan close to the speed of decompression. An error from fn stops the scan and is
// returned, as is a read error (a cut GZIP stream); malformed records are
// counted and skipped.
func Scan(object io.Reader, fn func(Delivery) error) (Counts, error) {
	return scan(object, fn, true)
}

// ScanAll is Scan decoding every record: the reference the fast path is
// tested against, and what to run on an object whose records are not the
// server's own encoding.
func ScanAll(object io.Reader, fn func(Delivery) error) (Counts, error) {
	return scan(object, fn, false)
}

func scan(object io.Reader, fn func(Delivery) error, fast bool) (Counts, error) {
	var c Counts
	r, err := NewReader(object)
	if err != nil {
		return c, err
	}
	defer r.Close()
	// seen holds the message ids counted: the server makes each one
	// (a Fernet token), so a repeated id is the same message.
	seen := map[string]bool{}
	// keys remembers each key text decoded: an object holds many
	// messages of few senders.
	keys := map[string]string{}
	signingKey := func(text string) (string, error) {
		if k, ok := keys[text]; ok {
			return k, nil
		}
		k, err := SigningKey(text)
		if err == nil {
			keys[text] = k
		}
		return k, err
	}
	for {
		body, offset, err := r.NextRaw()
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		var malformed *MalformedError
		if errors.As(err, &malformed) {
			c.Records++
			c.Malformed++
			c.problem(malformed.Offset, errors.New(malformed.Reason))
			continue
		}
		if err != nil {
			return c, err
		}
		c.Records++
		var rec Record
		ok := false
		if fast {
			message := candidateMessage(body)
			if message == "" {
				if body[0] != '{' || body[len(body)-1] != '}' {
					c.Malformed++
					c.problem(offset, errors.New("not a JSON object"))
				}
				continue
			}
			if rec, ok = fastRecord(body, message); ok {
				// A message counted before in this object (its delivery,
				// then its timings) is passed over before any decoding.
				if id, plain := rawString(rec.Fields.MessageID); plain && seen[string(id)] {
					continue
				}
			}
		}
		if !ok {
			if rec, err = parseRecord(body, offset); err != nil {
				c.Malformed++
				c.problem(offset, errors.New(err.(*MalformedError).Reason))
				continue
			}
		}
		d, ok, err := rec.delivery(signingKey)
		var unattributed *UnattributedError
		switch {
		case errors.As(err, &unattributed):
			if id, idErr := stringField("message_id", rec.Fields.MessageID); idErr == nil && !seen[id] {
				seen[id] = true
				c.Unattributed++
			}
			continue
		case err != nil:
			c.Unreadable++
			c.problem(offset, err)
			continue
		case !ok || seen[d.Entry.ID]:
			continue
		}
		seen[d.Entry.ID] = true
		c.Deliveries++
		if err := fn(d); err != nil {
			return c, err
		}
	}
}

// rawString is a JSON string value without escapes, unquoted, in place.
func rawString(value []byte) ([]byte, bool) {
	if len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' || bytes.IndexByte(value, '\\') >= 0 {
		return nil, false
	}
	return value[1 : len(value)-1], true
}
