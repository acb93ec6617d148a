// Package logfixture writes Firehose log objects the way the autopush 1.58.4
// servers write their records, for tests and benchmarks. Every detail comes
// from the server's source (autopush tag 1.58.4) as the reference
// (../shared/reference/autopush.md) states it, not from this project's
// reader:
//
//   - autopush/logging.py, PushLogger.json_format: the record is
//     json.dumps(msg, skipkeys=True) + "\n", and FirehoseProcessor puts
//     u"\x1e" in front. Python 2's json.dumps separates with ", " and ": "
//     and escapes every non-ASCII character (ensure_ascii).
//   - The image runs PyPy 2 (Dockerfile: FROM pypy:2-7.3.0), whose dicts
//     keep insertion order, so keys come out in the order the server
//     inserts them: the msg literal (Hostname, Timestamp, Type, Severity,
//     EnvVersion, Fields, Logger); in Fields, the event's own simple values
//     (status_code, then log_namespace added by twisted's Logger.emit),
//     then client_info, then timings, then "message" last.
//   - Timestamp is log_time (time.time(), seconds) * 1000 * 1000 * 1000, a
//     float written by Python's repr (exponent form at this size).
//   - Fields keep only str, unicode, list, int, float and bool values:
//     None (a missing TTL, the AMI id under --no_aws) is left out.
//   - client_info (autopush/base.py _init_info, then web/webpush.py post):
//     ami_id, request_id, user_agent, remote_ip, authorization,
//     message_ttl, uri, python_version, jwt_crypto_key, jwt_<claims>,
//     message_id, uaid_hash, channel_id, router_key, message_size,
//     (message_ttl keeps its first place), version, encoding.
//   - jwt_crypto_key is base64url_encode (autopush/utils.py: unpadded) of
//     the key text the sender wrote in its Authorization header.
//   - message_size is notification.data_length: the length of the
//     base64url-encoded body.
package logfixture

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/klauspost/compress/gzip"
)

// Version is the server release the records are written as.
const Version = "1.58.4"

// Loggers of the two node types (autopush/main.py logger_name, joined with
// the version by PushLogger).
const (
	EndpointLogger   = "Autoendpoint-" + Version
	ConnectionLogger = "Autopush-" + Version
)

// WebPushNamespace is log_namespace of the WebPush handler's records
// (twisted's Logger as a class attribute names module.Class).
const WebPushNamespace = "autopush.web.webpush.WebPushHandler"

// PythonVersion is sys.version of the pypy:2-7.3.0 image, which client_info
// carries; its newline is escaped in the record.
const PythonVersion = "2.7.13 (7.3.0+dfsg-1~ppa1~ubuntu18.04, Dec 24 2019, 08:33:28)\n[PyPy 7.3.0 with GCC 7.4.0]"

// Field is one key of an ordered JSON object.
type Field struct {
	Key   string
	Value interface{} // string, int, int64, float64, bool, []string or []Field
}

// Object builds a log object record by record.
type Object struct {
	buf bytes.Buffer
	// Hostname is the record's Hostname: the instance's FQDN under
	// --no_aws (logging.py: instance_id_or_hostname).
	Hostname string
}

// Record appends one record: 0x1E, the JSON object as json.dumps writes
// it, a newline. seconds is log_time.
func (o *Object) Record(seconds float64, logger string, severity int, fields []Field) {
	host := o.Hostname
	if host == "" {
		host = "ip-10-20-3-4.ec2.internal"
	}
	o.buf.WriteByte(0x1E)
	writeObject(&o.buf, []Field{
		{"Hostname", host},
		{"Timestamp", seconds * 1000 * 1000 * 1000},
		{"Type", "twisted:log"},
		{"Severity", severity},
		{"EnvVersion", "2.0"},
		{"Fields", fields},
		{"Logger", logger},
	})
	o.buf.WriteByte('\n')
}

// Message is an ordinary record (a connection, an error, a timing): the
// event's fields, then "message".
func (o *Object) Message(seconds float64, logger, message string, fields ...Field) {
	o.Record(seconds, logger, 5, append(fields, Field{"message", message}))
}

// Push is one WebPush request as the endpoint node handles it.
type Push struct {
	Time float64 // log_time of the delivery record, seconds
	// SenderKey is the VAPID public key as the sender wrote it in its
	// Authorization header (87 characters, or 88 with padding); "" for a
	// sender without VAPID.
	SenderKey string
	MessageID string
	// BodyLength is the length of the base64url-encoded body.
	BodyLength int
	// TTL is the TTL header; nil when the sender sent none.
	TTL *int
	// Stored: the client was offline. 1.58.4 logs no delivery record for
	// it (only "Request timings"); 1.58.0 to 1.58.2 log "Router miss,
	// message stored.".
	Stored bool
	// AMIID is client_info's ami_id: "" under --no_aws (left out).
	AMIID string
}

// TTL returns a TTL header value.
func TTL(seconds int) *int { return &seconds }

// clientInfo is the request's client_info, in the server's order.
func (p Push) clientInfo() []Field {
	var f []Field
	if p.AMIID != "" {
		f = append(f, Field{"ami_id", p.AMIID})
	}
	auth := ""
	if p.SenderKey != "" {
		auth = "vapid t=eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5jb20iLCJleHAiOjE3OTYxOTUxMDYsInN1YiI6Im1haWx0bzpvcHNAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJl,k=" + p.SenderKey
	}
	f = append(f,
		Field{"request_id", "c6f3f6b4-3f43-4a2e-9a4f-7e1f0b8d2a11"},
		Field{"user_agent", "web-push-libs/pywebpush 1.14.0"},
		Field{"remote_ip", "203.0.113.9"},
		Field{"authorization", auth},
	)
	if p.TTL != nil {
		f = append(f, Field{"message_ttl", *p.TTL})
	}
	f = append(f,
		Field{"uri", "/wpush/v2/gAAAAABl" + strings.Repeat("x", 24)},
		Field{"python_version", PythonVersion},
	)
	if p.SenderKey != "" {
		f = append(f,
			Field{"jwt_crypto_key", base64.RawURLEncoding.EncodeToString([]byte(p.SenderKey))},
			Field{"jwt_aud", "https://push.example.com"},
			Field{"jwt_exp", 1796195106},
			Field{"jwt_sub", "mailto:ops@example.com"},
		)
	}
	return append(f,
		Field{"message_id", p.MessageID},
		Field{"uaid_hash", "d1b8d4c5e0a6f2b3"},
		Field{"channel_id", "0b1a6b0d8b5c4d6e9f112f2f6c7a9d10"},
		Field{"router_key", "webpush"},
		Field{"message_size", p.BodyLength},
		Field{"version", "gAAAAABl" + p.MessageID},
		Field{"encoding", "aes128gcm"},
	)
}

// Delivery appends the records of one WebPush request: the delivery
// record (unless 1.58.4 stored the message), then "Request timings" with
// the router's logged status (router/webpush.py: 200 delivered, 201
// stored), logged when the response is written.
func (o *Object) Delivery(p Push) {
	if p.Stored && p.TTL == nil {
		panic("logfixture: the server answers 400 Missing TTL before it stores a message") // a fixture bug
	}
	fields := []Field{{"log_namespace", WebPushNamespace}}
	fields = append(fields, p.clientInfo()...)
	if !p.Stored {
		o.Record(p.Time, EndpointLogger, 5, append(fields, Field{"message", "Successful delivery"}))
		o.RequestTimings(p, 200)
		return
	}
	o.RequestTimings(p, 201)
}

// StoredBefore1583 appends the records 1.58.0 to 1.58.2 write for a stored
// message: "Router miss, message stored." and "Request timings" (202).
func (o *Object) StoredBefore1583(p Push) {
	fields := []Field{{"log_namespace", WebPushNamespace}}
	fields = append(fields, p.clientInfo()...)
	o.Record(p.Time, EndpointLogger, 5, append(fields, Field{"message", "Router miss, message stored."}))
	o.RequestTimings(p, 202)
}

// Dropped appends the record of a TTL=0 message for an offline client:
// answered 201, neither delivered nor stored, logged as 204 and through
// the router's error path, so without route_time (router/webpush.py).
func (o *Object) Dropped(p Push) {
	p.TTL = TTL(0)
	o.RequestTimings(p, 204)
}

// RequestTimings appends the "Request timings" record of a WebPush request
// (web/base.py _track_timing) with the given logged status, 2 ms after
// p.Time; route_time is there only when the router completed (200, 201,
// 202).
func (o *Object) RequestTimings(p Push, status int) {
	fields := []Field{{"status_code", status}, {"log_namespace", WebPushNamespace}}
	fields = append(fields, p.clientInfo()...)
	fields = append(fields, Field{"validation_time", 0.0007958412170410156})
	if status >= 200 && status <= 202 {
		fields = append(fields, Field{"route_time", 0.0012340545654296875})
	}
	fields = append(fields,
		Field{"request_time", 0.0021491050720214844},
		Field{"message", "Request timings"},
	)
	o.Record(p.Time+0.002, EndpointLogger, 5, fields)
}

// Raw appends bytes as they are (for broken records).
func (o *Object) Raw(b []byte) { o.buf.Write(b) }

// Len is the object's size so far, in bytes.
func (o *Object) Len() int { return o.buf.Len() }

// Plain returns the object uncompressed.
func (o *Object) Plain() []byte { return o.buf.Bytes() }

// Gzip returns the object GZIP-compressed, as Firehose writes it.
func (o *Object) Gzip() []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	_, _ = w.Write(o.buf.Bytes()) // writes to a bytes.Buffer cannot fail
	_ = w.Close()
	return out.Bytes()
}

// writeObject writes fields as Python 2's json.dumps does.
func writeObject(b *bytes.Buffer, fields []Field) {
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteString(", ")
		}
		writeString(b, f.Key)
		b.WriteString(": ")
		writeValue(b, f.Value)
	}
	b.WriteByte('}')
}

func writeValue(b *bytes.Buffer, v interface{}) {
	switch v := v.(type) {
	case string:
		writeString(b, v)
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case float64:
		b.WriteString(PythonFloat(v))
	case bool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case []string:
		b.WriteByte('[')
		for i, s := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeString(b, s)
		}
		b.WriteByte(']')
	case []Field:
		writeObject(b, v)
	default:
		panic(fmt.Sprintf("logfixture: no JSON form for %T", v)) // a fixture bug, not input
	}
}

// PythonFloat is repr(f) of Python 2.7 (and PyPy 2), which json.dumps
// writes: the shortest digits that read back as f, in exponent form when
// the decimal exponent is below -4 or at least 16, else positional with at
// least one digit after the point.
func PythonFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	exp := int(math.Floor(math.Log10(math.Abs(f))))
	// Log10 can be off by one at powers of ten; the 'e' form tells exactly.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	if i := strings.IndexByte(e, 'e'); i >= 0 {
		exp, _ = strconv.Atoi(e[i+1:])
	}
	if exp < -4 || exp >= 16 {
		return e // Go writes e+18 / e-05 as Python does: sign and two digits at least
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// writeString writes s as a JSON string with ensure_ascii (Python 2's
// json/encoder.py): `"` and `\` escaped, \n \r \t \b \f by name, every
// other character outside space to '~' as \uXXXX (surrogate pairs above
// U+FFFF).
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || (r > 0x7e && r < 0x10000): // json's ESCAPE_ASCII: [^\ -~]
			fmt.Fprintf(b, `\u%04x`, r)
		case r >= 0x10000:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(b, `\u%04x\u%04x`, hi, lo)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// DebugMix appends messages until the object holds at least size bytes,
// with the record mix of debug logs: per message, its delivery record and
// its "Request timings" on the endpoint node, and eight records of the
// connection nodes (pings: a client's websocket logs far more than the
// messages it gets). So one record in ten is a delivery and one in five a
// record a reader must decode. Messages go round keys (sender key texts);
// one in ten has no TTL, one in ten is stored (only its timings).
func (o *Object) DebugMix(keys []string, size int) {
	for i := 0; o.Len() < size; i++ {
		t := 1_790_000_000 + float64(i)*0.001
		p := Push{Time: t, SenderKey: keys[i%len(keys)], MessageID: fmt.Sprintf("m%d", i),
			BodyLength: 2048, TTL: TTL(86400), Stored: i%10 == 3}
		if i%10 == 7 {
			p.TTL = nil
		}
		o.Delivery(p)
		for j := 0; j < 8; j++ {
			o.Message(t, ConnectionLogger, "Websocket ping",
				Field{"uaid_hash", fmt.Sprintf("%08x", i*8+j)},
				Field{"remote_ip", "198.51.100.7"},
				Field{"user_agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"})
		}
	}
}
