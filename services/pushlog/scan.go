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
	r, err := NewReader(object)
	if err != nil {
		return Counts{}, err
	}
	defer r.Close()
	s := &scanner{fast: fast, seen: map[string]bool{}, keys: map[string]string{}}
	s.keyOf = s.signingKey // one method value for the whole object
	for {
		body, offset, err := r.NextRaw()
		if errors.Is(err, io.EOF) {
			return s.c, nil
		}
		var malformed *MalformedError
		if errors.As(err, &malformed) {
			s.c.Records++
			s.malformed(malformed.Offset, malformed.Reason)
			continue
		}
		if err != nil {
			return s.c, err
		}
		s.c.Records++
		d, ok := s.record(body, offset)
		if !ok {
			continue
		}
		if err := fn(d); err != nil {
			return s.c, err
		}
	}
}

// scanner is the state of one Scan.
type scanner struct {
	fast bool
	c    Counts
	// seen holds the message ids counted: the server makes each one (a
	// Fernet token), so a repeated id is the same message.
	seen map[string]bool
	// keys remembers each key text decoded: an object holds many messages
	// of few senders.
	keys  map[string]string
	keyOf func(text string) (string, error)
}

func (s *scanner) malformed(offset int64, reason string) {
	s.c.Malformed++
	s.c.problem(offset, errors.New(reason))
}

// record reads one framed record and counts it; ok reports a delivery not
// counted before.
func (s *scanner) record(body []byte, offset int64) (Delivery, bool) {
	rec, ok := Record{}, false
	if s.fast {
		message := candidateMessage(body)
		if message == "" {
			if body[0] != '{' || body[len(body)-1] != '}' {
				s.malformed(offset, "not a JSON object")
			}
			return Delivery{}, false
		}
		if rec, ok = fastRecord(body, message); ok {
			// A message counted before in this object (its delivery,
			// then its timings) is passed over before any decoding.
			if id, plain := rawString(rec.Fields.MessageID); plain && s.seen[string(id)] {
				return Delivery{}, false
			}
		}
	}
	if !ok {
		var err error
		if rec, err = parseRecord(body, offset); err != nil {
			s.malformed(offset, err.(*MalformedError).Reason)
			return Delivery{}, false
		}
	}
	d, ok, err := rec.delivery(s.keyOf)
	var unattributed *UnattributedError
	switch {
	case errors.As(err, &unattributed):
		if id, idErr := stringField("message_id", rec.Fields.MessageID); idErr == nil && !s.seen[id] {
			s.seen[id] = true
			s.c.Unattributed++
		}
		return Delivery{}, false
	case err != nil:
		s.c.Unreadable++
		s.c.problem(offset, err)
		return Delivery{}, false
	case !ok || s.seen[d.Entry.ID]:
		return Delivery{}, false
	}
	s.seen[d.Entry.ID] = true
	s.c.Deliveries++
	return d, true
}

// signingKey is SigningKey, remembered per key text.
func (s *scanner) signingKey(text string) (string, error) {
	if k, ok := s.keys[text]; ok {
		return k, nil
	}
	k, err := SigningKey(text)
	if err == nil {
		s.keys[text] = k
	}
	return k, err
}

// rawString is a JSON string value without escapes, unquoted, in place.
func rawString(value []byte) ([]byte, bool) {
	if len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' || bytes.IndexByte(value, '\\') >= 0 {
		return nil, false
	}
	return value[1 : len(value)-1], true
}
