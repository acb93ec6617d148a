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
const tailWindow = 192

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
// ok is false when the record must be decoded in full.
func fastRecord(body []byte, message string) (rec Record, key []byte, ok bool) {
	rec.Fields.Message = message
	pos, ok := objectKeys(body, 0, func(k []byte, value []byte) bool {
		switch string(k) {
		case "Timestamp":
			rec.Timestamp = json.Number(value)
		case "Fields":
			_, ok := objectKeys(value, 0, func(k, value []byte) bool {
				switch string(k) {
				case "message":
					return len(value) == len(message)+2 && string(value[1:len(value)-1]) == message
				case "jwt_crypto_key":
					if len(value) < 2 || value[0] != '"' || bytes.IndexByte(value, '\\') >= 0 {
						return false
					}
					key = value[1 : len(value)-1]
				case "message_id":
					rec.Fields.MessageID = value
				case "message_size":
					rec.Fields.MessageSize = value
				case "message_ttl":
					rec.Fields.MessageTTL = value
				case "status_code":
					rec.Fields.StatusCode = value
				}
				return true
			})
			return ok
		}
		return true
	})
	return rec, key, ok && skipSpace(body, pos) == len(body)
}

// objectKeys walks the object at body[pos:], calling fn with each key
// (without quotes) and its raw value; it returns the position after the
// object, and false on anything it cannot walk or when fn says so.
func objectKeys(body []byte, pos int, fn func(key, value []byte) bool) (int, bool) {
	pos = skipSpace(body, pos)
	if pos >= len(body) || body[pos] != '{' {
		return pos, false
	}
	pos = skipSpace(body, pos+1)
	if pos < len(body) && body[pos] == '}' {
		return pos + 1, true
	}
	for {
		if pos >= len(body) || body[pos] != '"' {
			return pos, false
		}
		end, ok := stringEnd(body, pos)
		if !ok {
			return pos, false
		}
		key := body[pos+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return pos, false
		}
		pos = skipSpace(body, end)
		if pos >= len(body) || body[pos] != ':' {
			return pos, false
		}
		start := skipSpace(body, pos+1)
		if pos, ok = valueEnd(body, start); !ok {
			return pos, false
		}
		if !fn(key, body[start:pos]) {
			return pos, false
		}
		pos = skipSpace(body, pos)
		if pos >= len(body) {
			return pos, false
		}
		switch body[pos] {
		case ',':
			pos = skipSpace(body, pos+1)
		case '}':
			return pos + 1, true
		default:
			return pos, false
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
