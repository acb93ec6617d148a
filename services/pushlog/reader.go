// Package pushlog reads the log records the autopush servers send through
// Kinesis Data Firehose into S3, and picks out message deliveries.
//
// Each record is the byte 0x1E, one JSON object and a newline (reference:
// autopush.md; the framing of RFC 7464 JSON text sequences). Firehose
// concatenates records into S3 objects, optionally GZIP-compressed.
package pushlog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// RecordSeparator starts every record.
const RecordSeparator = 0x1E

// MaxRecordBytes bounds one record (separator to separator). A longer one is
// skipped as malformed, so memory stays bounded whatever the object holds.
const MaxRecordBytes = 1 << 20

// Record is one server log record.
type Record struct {
	Hostname Text `json:"Hostname"`
	// Timestamp is the log time in nanoseconds since the Unix epoch, as
	// Python writes a float: usually in exponent form,
	// 1.796108707771493e+18 (reference: autopush.md).
	Timestamp  json.Number `json:"Timestamp"`
	Type       Text        `json:"Type"`
	Severity   Text        `json:"Severity"` // "3" error, "5" other
	EnvVersion Text        `json:"EnvVersion"`
	Logger     Text        `json:"Logger"` // "Autoendpoint-1.58.4"
	Fields     Fields      `json:"Fields"`
}

// Text is a record field the processor only reports: any JSON scalar is
// taken as its text, so an odd type there never costs a delivery.
type Text string

// UnmarshalJSON keeps a string's value, or a number's or bool's text.
func (t *Text) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*t = Text(s)
		return nil
	}
	if len(data) > 0 && (data[0] == '{' || data[0] == '[') {
		return fmt.Errorf("want a string, got %s", data[:1])
	}
	if string(data) != "null" {
		*t = Text(data)
	}
	return nil
}

// Fields are the context keys of a record that the processor reads; the
// JSON decoder passes over the others (among them authorization, the
// sender's whole Authorization header) without keeping them. Numbers stay
// raw until read.
type Fields struct {
	// Message is the formatted text, e.g. "Successful delivery".
	Message string `json:"message"`
	// JWTCryptoKey is base64url (unpadded) of the VAPID public key text the
	// sender wrote, as a JSON string; absent without VAPID.
	JWTCryptoKey json.RawMessage `json:"jwt_crypto_key"`
	MessageID    json.RawMessage `json:"message_id"`
	// MessageSize is the length of the base64url-encoded body, not of
	// the raw body (autopush: notification.data_length).
	MessageSize json.RawMessage `json:"message_size"`
	MessageTTL  json.RawMessage `json:"message_ttl"` // seconds; absent: no TTL given
	// StatusCode is the logged status of a "Request timings" record.
	StatusCode json.RawMessage `json:"status_code"`
	// Authorization is the sender's whole Authorization header: read to
	// check the key against, never kept.
	Authorization json.RawMessage `json:"authorization"`
}

// fieldKeys are the Fields keys read, each matched exactly (encoding/json
// alone would also match another case, and a sender's token can add any
// jwt_<claim>).
var fieldKeys = map[string]func(f *Fields) *json.RawMessage{
	"jwt_crypto_key": func(f *Fields) *json.RawMessage { return &f.JWTCryptoKey },
	"message_id":     func(f *Fields) *json.RawMessage { return &f.MessageID },
	"message_size":   func(f *Fields) *json.RawMessage { return &f.MessageSize },
	"message_ttl":    func(f *Fields) *json.RawMessage { return &f.MessageTTL },
	"status_code":    func(f *Fields) *json.RawMessage { return &f.StatusCode },
	"authorization":  func(f *Fields) *json.RawMessage { return &f.Authorization },
}

// UnmarshalJSON reads the Fields keys by their exact names.
func (f *Fields) UnmarshalJSON(data []byte) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	*f = Fields{}
	for k, v := range all {
		if k == "message" {
			if err := json.Unmarshal(v, &f.Message); err != nil {
				return fmt.Errorf("Fields.message: %w", err)
			}
		} else if field, ok := fieldKeys[k]; ok {
			*field(f) = v
		}
	}
	return nil
}

// recordKeys are the record's keys read, each matched exactly, as the
// fast path matches them (encoding/json alone would also match "fields").
var recordKeys = map[string]func(r *Record) any{
	"Hostname":   func(r *Record) any { return &r.Hostname },
	"Timestamp":  func(r *Record) any { return &r.Timestamp },
	"Type":       func(r *Record) any { return &r.Type },
	"Severity":   func(r *Record) any { return &r.Severity },
	"EnvVersion": func(r *Record) any { return &r.EnvVersion },
	"Logger":     func(r *Record) any { return &r.Logger },
	"Fields":     func(r *Record) any { return &r.Fields },
}

// UnmarshalJSON reads the record's keys by their exact names.
func (r *Record) UnmarshalJSON(data []byte) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	*r = Record{}
	for k, v := range all {
		if field, ok := recordKeys[k]; ok {
			if err := json.Unmarshal(v, field(r)); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
	}
	return nil
}

// Message is Fields.message.
func (r Record) Message() string { return r.Fields.Message }

// MalformedError is a record that could not be read; the reader skips it
// and goes on with the next one.
type MalformedError struct {
	Offset int64 // byte offset of the record in the (decompressed) stream
	Reason string
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("malformed log record at byte %d: %s", e.Offset, e.Reason)
}

// Reader streams records from a log object, record by record.
type Reader struct {
	in     *bufio.Reader
	offset int64
	closer io.Closer
}

// closers stops the read-ahead, then releases the GZIP reader.
type closers struct {
	ahead *readAhead
	z     io.Closer
}

func (c closers) Close() error {
	c.ahead.Close()
	return c.z.Close()
}

// gzipMagic starts every GZIP stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// NewReader reads a plain or GZIP-compressed log object; the compression is
// detected from the first bytes, not configured. It fails when the object
// looks like GZIP but its header is broken.
func NewReader(object io.Reader) (*Reader, error) {
	in := bufio.NewReader(object)
	head, err := in.Peek(len(gzipMagic))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read log object: %w", err)
	}
	r := &Reader{}
	if bytes.Equal(head, gzipMagic) {
		z, err := gzip.NewReader(in)
		if err != nil {
			return nil, fmt.Errorf("open gzip log object: %w", err)
		}
		ahead := newReadAhead(z)
		r.closer = closers{ahead, z}
		r.in = bufio.NewReaderSize(ahead, MaxRecordBytes)
	} else {
		r.in = bufio.NewReaderSize(in, MaxRecordBytes)
	}
	return r, nil
}

// Next returns the next record, decoded. At the end it returns io.EOF. A
// record that cannot be read comes back as a *MalformedError, after which
// Next goes on with the following record. Any other error (a broken GZIP
// stream, a failed read) is final.
func (r *Reader) Next() (Record, error) {
	body, offset, err := r.NextRaw()
	if err != nil {
		return Record{}, err
	}
	return parseRecord(body, offset)
}

// NextRaw returns the next record's bytes between its separator and the
// next one, spaces trimmed, and its offset in the decompressed stream,
// without decoding it. The bytes are valid until the next call. Errors are
// those of Next; a record that is not framed (no separator, too long, empty)
// is a *MalformedError.
func (r *Reader) NextRaw() ([]byte, int64, error) {
	for {
		start := r.offset
		b, err := r.in.ReadByte()
		if errors.Is(err, io.EOF) {
			return nil, start, io.EOF
		}
		if err != nil {
			return nil, start, fmt.Errorf("read log object: %w", err)
		}
		r.offset++
		if b != RecordSeparator {
			if isSpace(b) {
				continue
			}
			if _, err := r.skipToSeparator(); err != nil {
				return nil, start, err
			}
			return nil, start, &MalformedError{Offset: start, Reason: "data outside a record (no 0x1E separator)"}
		}

		body, err := r.in.ReadSlice(RecordSeparator)
		switch {
		case err == nil:
			body = body[:len(body)-1]
			if err := r.in.UnreadByte(); err != nil {
				return nil, start, fmt.Errorf("read log object: %w", err)
			}
		case errors.Is(err, bufio.ErrBufferFull):
			r.offset += int64(len(body))
			if _, err := r.skipToSeparator(); err != nil {
				return nil, start, err
			}
			return nil, start, &MalformedError{Offset: start, Reason: fmt.Sprintf("longer than %d bytes", MaxRecordBytes)}
		case errors.Is(err, io.EOF):
			// The last record of the object.
		default:
			return nil, start, fmt.Errorf("read log object: %w", err)
		}
		r.offset += int64(len(body))
		body = bytes.TrimSpace(body)
		if len(body) == 0 {
			return nil, start, &MalformedError{Offset: start, Reason: "empty record"}
		}
		return body, start, nil
	}
}

// skipToSeparator discards input up to, not including, the next separator.
func (r *Reader) skipToSeparator() (int64, error) {
	var skipped int64
	for {
		chunk, err := r.in.ReadSlice(RecordSeparator)
		switch {
		case err == nil:
			skipped += int64(len(chunk) - 1)
			r.offset += int64(len(chunk) - 1)
			return skipped, r.in.UnreadByte()
		case errors.Is(err, bufio.ErrBufferFull):
			skipped += int64(len(chunk))
			r.offset += int64(len(chunk))
		case errors.Is(err, io.EOF):
			r.offset += int64(len(chunk))
			return skipped + int64(len(chunk)), nil
		default:
			return skipped, fmt.Errorf("read log object: %w", err)
		}
	}
}

func parseRecord(body []byte, offset int64) (Record, error) {
	if body[0] != '{' {
		return Record{}, &MalformedError{Offset: offset, Reason: "not a JSON object"}
	}
	var rec Record
	err := json.Unmarshal(body, &rec)
	if err != nil {
		if plain, changed := withoutPythonConstants(body); changed {
			rec = Record{}
			if json.Unmarshal(plain, &rec) == nil {
				return rec, nil
			}
		}
		return Record{}, &MalformedError{Offset: offset, Reason: "invalid JSON: " + err.Error()}
	}
	return rec, nil
}

// pythonConstants are the floats Python's json.dumps writes bare
// (allow_nan, the default): JSON has no such value and Go's decoder
// refuses them. A sender's token can hold them in any claim, which the
// server logs as jwt_<claim> (JSON read by Python's json.loads, which
// takes them too), so a record with one is still the server's.
var pythonConstants = [][]byte{[]byte("NaN"), []byte("Infinity"), []byte("-Infinity")}

// withoutPythonConstants returns body with every NaN, Infinity and
// -Infinity outside a string replaced by null, and whether there was one.
func withoutPythonConstants(body []byte) ([]byte, bool) {
	var out []byte
	last := 0 // body[last:] is not copied yet
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '"':
			end, ok := stringEnd(body, i)
			if !ok {
				return nil, false
			}
			i = end - 1
		case 'N', 'I', '-':
			for _, c := range pythonConstants {
				if bytes.HasPrefix(body[i:], c) {
					out = append(append(out, body[last:i]...), "null"...)
					last = i + len(c)
					i = last - 1
					break
				}
			}
		}
	}
	if out == nil {
		return nil, false
	}
	return append(out, body[last:]...), true
}

func isSpace(b byte) bool { return b == ' ' || b == '\n' || b == '\r' || b == '\t' }

// Close releases the GZIP reader, if any; it does not close the object.
func (r *Reader) Close() error {
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}
