package pushlog

import (
	"bytes"
	"encoding/json"
)

// The fast path reads the few fields a delivery needs straight from a
// record's bytes, without decoding the rest: it walks the object's keys
// and the keys of Fields, and jumps over every other value (a string by
// its closing quote, found with a vectorised search). It gives up, and the
// caller decodes the record in full, on anything it does not expect: a
// wanted string with an escape in it, a key with an escape, a broken
// structure. It allocates nothing but the Timestamp's text.

var messageKey = []byte(`"message"`)

// tailWindow is how far from a record's end its "message" key is looked
// for first: the server writes it last in Fields, just before "Logger".
const tailWindow = 128

// candidateMessage returns Fields.message when the record holds a
// "message" key whose value is one of the candidate texts, else "". A
// quote inside a JSON string is escaped, so `"message"` followed by a
// colon is a key wherever it stands. The key is looked for in the
// record's tail first, where the server writes it, then anywhere.
func candidateMessage(body []byte) string {
	if tail := max(0, len(body)-tailWindow); tail > 0 {
		if m, found := messageFrom(body, tail); found {
			return m
		}
	}
	m, _ := messageFrom(body, 0)
	return m
}

// messageFrom finds the first "message" key at or after from; found
// reports whether there was one, m its value if it is a candidate.
func messageFrom(body []byte, from int) (m string, found bool) {
	for {
		i := bytes.Index(body[from:], messageKey)
		if i < 0 {
			return "", false
		}
		pos := skipSpace(body, from+i+len(messageKey))
		from += i + len(messageKey)
		if pos >= len(body) || body[pos] != ':' {
			continue // "message" as a value, not a key
		}
		pos = skipSpace(body, pos+1)
		if pos >= len(body) || body[pos] != '"' {
			return "", true
		}
		for _, m := range []string{MessageDelivered, MessageTimings, MessageStored} {
			if end := pos + 1 + len(m); end < len(body) && body[end] == '"' && string(body[pos+1:end]) == m {
				return m, true
			}
		}
		return "", true
	}
}

// fastRecord reads Timestamp and the delivery fields of Fields of a
// record whose Fields.message is message; the raw values point into body.
// It stops as soon as it has every field a delivery can use. ok is false
// when the record must be decoded in full.
func fastRecord(body []byte, message string) (rec Record, ok bool) {
	rec.Fields.Message = message
	// What is left to find in Fields: the message itself (so a "message"
	// nested elsewhere never passes for it), the sender's Authorization
	// and logged key, id, size and TTL, and the status of a "Request
	// timings" record.
	left := 6
	if message == MessageTimings {
		left = 7
	}
	sawMessage := false // in Fields itself, not only somewhere in the record
	found := func() walk {
		left--
		if left == 0 && rec.Timestamp != "" {
			return stop
		}
		return next
	}
	fields := func(k []byte, start int) (int, walk) {
		end, ok := valueEnd(body, start)
		if !ok {
			return end, fail
		}
		value := body[start:end]
		switch string(k) {
		case "message":
			if string(value) != `"`+message+`"` {
				return end, fail
			}
			sawMessage = true
			return end, found()
		case "authorization":
			rec.Fields.Authorization = value
			return end, found()
		case "jwt_crypto_key":
			// Any JSON value: a sender's crypto_key claim replaces it.
			rec.Fields.JWTCryptoKey = value
			return end, found()
		case "message_id":
			rec.Fields.MessageID = value
			return end, found()
		case "message_size":
			rec.Fields.MessageSize = value
			return end, found()
		case "message_ttl":
			rec.Fields.MessageTTL = value
			return end, found()
		case "status_code":
			if message == MessageTimings {
				rec.Fields.StatusCode = value
				return end, found()
			}
		}
		return end, next
	}
	end, result := walkObject(body, 0, func(k []byte, start int) (int, walk) {
		switch string(k) {
		case "Timestamp":
			end, ok := valueEnd(body, start)
			if !ok {
				return end, fail
			}
			rec.Timestamp = json.Number(body[start:end])
			return end, next
		case "Fields":
			return walkObject(body, start, fields)
		}
		end, ok := valueEnd(body, start)
		if !ok {
			return end, fail
		}
		return end, next
	})
	switch result {
	case stop:
		return rec, true
	case next: // walked to the end: some optional field is absent
		return rec, sawMessage && rec.Timestamp != "" && skipSpace(body, end) == len(body)
	}
	return rec, false
}

// walk says how a walk goes on after a key.
type walk int

const (
	next walk = iota // the next key
	stop             // done: every wanted value found
	fail             // give up: decode the record in full
)

// walkObject walks the object at body[pos:], calling fn with each key
// (without quotes) and the position of its value; fn returns the position
// after the value. It returns the position after the object and next, or
// stop or fail as fn said (or fail on a structure it cannot walk).
func walkObject(body []byte, pos int, fn func(key []byte, start int) (int, walk)) (int, walk) {
	pos = skipSpace(body, pos)
	if pos >= len(body) || body[pos] != '{' {
		return pos, fail
	}
	pos = skipSpace(body, pos+1)
	if pos < len(body) && body[pos] == '}' {
		return pos + 1, next
	}
	for {
		if pos >= len(body) || body[pos] != '"' {
			return pos, fail
		}
		end, ok := stringEnd(body, pos)
		if !ok {
			return pos, fail
		}
		key := body[pos+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return pos, fail
		}
		pos = skipSpace(body, end)
		if pos >= len(body) || body[pos] != ':' {
			return pos, fail
		}
		var w walk
		if pos, w = fn(key, skipSpace(body, pos+1)); w != next {
			return pos, w
		}
		pos = skipSpace(body, pos)
		if pos >= len(body) {
			return pos, fail
		}
		switch body[pos] {
		case ',':
			pos = skipSpace(body, pos+1)
		case '}':
			return pos + 1, next
		default:
			return pos, fail
		}
	}
}

// valueEnd returns the position after the JSON value at body[pos:].
func valueEnd(body []byte, pos int) (int, bool) {
	if pos >= len(body) {
		return pos, false
	}
	switch body[pos] {
	case '"':
		return stringEnd(body, pos)
	case '{', '[':
		depth := 0
		for pos < len(body) {
			switch body[pos] {
			case '"':
				end, ok := stringEnd(body, pos)
				if !ok {
					return pos, false
				}
				pos = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return pos + 1, true
				}
			}
			pos++
		}
		return pos, false
	default: // a number, true, false or null
		start := pos
		for pos < len(body) && body[pos] != ',' && body[pos] != '}' && body[pos] != ']' && !isSpace(body[pos]) {
			pos++
		}
		return pos, pos > start
	}
}

// stringEnd returns the position after the string whose opening quote is
// at body[pos]: the first quote not escaped by an odd run of backslashes.
func stringEnd(body []byte, pos int) (int, bool) {
	for i := pos + 1; ; {
		q := bytes.IndexByte(body[i:], '"')
		if q < 0 {
			return len(body), false
		}
		i += q
		backslashes := 0
		for j := i - 1; j > pos && body[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i + 1, true
		}
		i++
	}
}

// plainString is a JSON string value without escapes, unquoted.
func plainString(value []byte) (string, bool) {
	if len(value) < 2 || value[0] != '"' || bytes.IndexByte(value, '\\') >= 0 {
		return "", false
	}
	return string(value[1 : len(value)-1]), true
}

func skipSpace(body []byte, pos int) int {
	for pos < len(body) && isSpace(body[pos]) {
		pos++
	}
	return pos
}
