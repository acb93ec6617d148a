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
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
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
		host = EndpointHost
	}
	o.buf.WriteByte(0x1E)
	writeObject(&o.buf, []Field{
		{"Hostname", host},
		{"Timestamp", seconds * 1000 * 1000 * 1000},
		{"Type", "twisted:log"},
		{"Severity", severity},
		{"EnvVersion", "2.0"},
		{"Fields", toFields(fields)},
		{"Logger", logger},
	})
	o.buf.WriteByte('\n')
}

// toFields drops the values logging.py to_fields drops: whatever is not
// str, unicode, list, int, float or bool (None, a dict, a long).
func toFields(fields []Field) []Field {
	kept := make([]Field, 0, len(fields))
	for _, f := range fields {
		switch f.Value.(type) {
		case nil, []Field, PythonLong:
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

// Message is an ordinary record (a connection, an error, a timing): the
// event's fields, then "message".
func (o *Object) Message(seconds float64, logger, message string, fields ...Field) {
	o.Record(seconds, logger, 5, append(fields, Field{"message", message}))
}

// Push is one WebPush request as the endpoint node handles it.
type Push struct {
	Time float64 // log_time of the delivery record, seconds
	// SenderKey is the VAPID public key text the server verified the
	// token with, as the sender wrote it: k of a "vapid" Authorization
	// header (the last one, spaces removed; utils.py parse_auth_header),
	// or the Crypto-Key header's p256ecdsa for the draft schemes. 87
	// characters, or 88 with padding; "" for a sender without VAPID.
	SenderKey string
	// Authorization is the sender's Authorization header as logged; ""
	// takes "vapid t=<JWT>,k=<SenderKey>" when SenderKey is set. The
	// test that sets it also sets SenderKey to the key the server reads
	// from it: the fixture does not parse headers.
	Authorization string
	// Claims are the token's claims in its order, as the server's
	// json.loads returns them (values: string, int, float64, bool, nil,
	// []any, []Field for an object, PythonLong); nil takes aud, exp
	// (Expiry) and sub.
	Claims    []Field
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

	// The request's own values; "" takes the pinned record's.
	RequestID string // client_info's request_id: uuid4
	// JWT is the Authorization header's t= token and Expiry its exp
	// claim (logged as jwt_exp).
	JWT    string
	Expiry int
	Client Client // the subscriber
	// SenderIP is the remote_ip: the X-Forwarded-For of the request.
	SenderIP string
	// UserAgent is the sender's User-Agent header; "" takes pywebpush's.
	UserAgent string
}

// Client is a subscriber: its uaid_hash (the uaid's hex without
// --uaid_hash_key, autopush/db.py hasher), its subscription's channel_id
// and push endpoint token (the uri's last part).
type Client struct {
	UAIDHash, ChannelID, EndpointToken string
}

// The pinned record's values, where a Push leaves them out.
const (
	pinnedRequestID = "c6f3f6b4-3f43-4a2e-9a4f-7e1f0b8d2a11"
	pinnedJWT       = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5jb20iLCJleHAiOjE3OTYxOTUxMDYsInN1YiI6Im1haWx0bzpvcHNAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJl"
	pinnedExpiry    = 1796195106
	pinnedSenderIP  = "203.0.113.9"
)

var pinnedClient = Client{
	UAIDHash:      "d1b8d4c5e0a6f2b3",
	ChannelID:     "0b1a6b0d8b5c4d6e9f112f2f6c7a9d10",
	EndpointToken: "gAAAAABl" + strings.Repeat("x", 24),
}

func or[T comparable](v, unset T) T {
	var zero T
	if v == zero {
		return unset
	}
	return v
}

// set sets key in an ordered object as a Python dict assignment does: in
// its place when it is there, else last.
func set(fields []Field, key string, value interface{}) []Field {
	for i := range fields {
		if fields[i].Key == key {
			fields[i].Value = value
			return fields
		}
	}
	return append(fields, Field{key, value})
}

// PythonLong is an integer Python 2 holds as a long (beyond 2^63-1), in
// decimal: json.dumps writes it, but Fields drop it (logging.py
// to_fields keeps only str, unicode, list, int, float and bool).
type PythonLong string

// TTL returns a TTL header value.
func TTL(seconds int) *int { return &seconds }

// clientInfo is the request's client_info, in the server's order.
func (p Push) clientInfo() []Field {
	var f []Field
	if p.AMIID != "" {
		f = append(f, Field{"ami_id", p.AMIID})
	}
	auth := p.Authorization
	if auth == "" && p.SenderKey != "" {
		auth = "vapid t=" + or(p.JWT, pinnedJWT) + ",k=" + p.SenderKey
	}
	c := Client{
		UAIDHash:      or(p.Client.UAIDHash, pinnedClient.UAIDHash),
		ChannelID:     or(p.Client.ChannelID, pinnedClient.ChannelID),
		EndpointToken: or(p.Client.EndpointToken, pinnedClient.EndpointToken),
	}
	f = append(f,
		Field{"request_id", or(p.RequestID, pinnedRequestID)},
		Field{"user_agent", or(p.UserAgent, "web-push-libs/pywebpush 1.14.0")},
		Field{"remote_ip", or(p.SenderIP, pinnedSenderIP)},
		Field{"authorization", auth},
	)
	if p.TTL != nil {
		f = append(f, Field{"message_ttl", *p.TTL})
	}
	f = append(f,
		Field{"uri", "/wpush/v2/" + c.EndpointToken},
		Field{"python_version", PythonVersion},
	)
	if p.SenderKey != "" {
		// web/webpush.py post: jwt_crypto_key, then "jwt_" + each claim;
		// a claim named crypto_key replaces the key in its place.
		f = append(f, Field{"jwt_crypto_key", base64.RawURLEncoding.EncodeToString([]byte(p.SenderKey))})
		claims := p.Claims
		if claims == nil {
			claims = []Field{{"aud", "https://push.example.com"}, {"exp", or(p.Expiry, pinnedExpiry)}, {"sub", "mailto:ops@example.com"}}
		}
		for _, c := range claims {
			f = set(f, "jwt_"+c.Key, c.Value)
		}
	}
	return append(f,
		Field{"message_id", p.MessageID},
		Field{"uaid_hash", c.UAIDHash},
		Field{"channel_id", c.ChannelID},
		Field{"router_key", "webpush"},
		Field{"message_size", p.BodyLength},
		// WebPushNotification.version is its message_id (autopush/utils.py).
		Field{"version", p.MessageID},
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
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, e)
		}
		b.WriteByte(']')
	case nil:
		b.WriteString("null")
	case PythonLong:
		b.WriteString(string(v))
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

// ConnectionNamespace is log_namespace of the connection node's websocket
// records (autopush/websocket.py: PushServerProtocol.log).
const ConnectionNamespace = "autopush.websocket.PushServerProtocol"

// firefox is parse_user_agent's raw_info (autopush/utils.py) of a Firefox
// 133 on Linux, in its insertion order.
var firefox = []Field{
	{"ua_os_family", "Linux"}, {"ua_os_ver", ""},
	{"ua_browser_family", "Firefox"}, {"ua_browser_ver", "133.0"},
}

// FirefoxUserAgent is the user agent the connection records carry.
const FirefoxUserAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

// Hello appends the connection node's record of a client's hello
// (websocket.py finish_hello: log.debug(format="hello", uaid_hash,
// **raw_agent)).
func (o *Object) Hello(seconds float64, c Client) {
	fields := append([]Field{{"uaid_hash", c.UAIDHash}}, firefox...)
	o.Message(seconds, ConnectionLogger, "hello", append(fields, Field{"log_namespace", ConnectionNamespace})...)
}

// Ack appends the connection node's record of the client's ack of a
// message handed to it directly (websocket.py ack_update: message_size is
// the length of the base64url body; code 100, Firefox's "delivered").
func (o *Object) Ack(seconds float64, p Push) {
	fields := []Field{
		{"router_key", "webpush"}, {"channel_id", p.Client.ChannelID},
		{"message_id", p.MessageID}, {"message_source", "direct"},
		{"message_size", p.BodyLength}, {"uaid_hash", p.Client.UAIDHash},
		{"user_agent", FirefoxUserAgent}, {"code", 100},
	}
	fields = append(append(fields, firefox...), Field{"log_namespace", ConnectionNamespace})
	o.Message(seconds, ConnectionLogger, "Ack", fields...)
}

// Session appends the connection node's info record of a closed websocket
// session (websocket.py cleanUp: log.info("Session",
// **SessionStatistics), its attributes in order; for Firefox on Linux the
// user agent attributes equal raw_info's).
func (o *Object) Session(seconds float64, c Client, lasted, acked int) {
	fields := []Field{{"uaid_hash", c.UAIDHash}, {"uaid_reset", false}, {"existing_uaid", true},
		{"connection_type", "webpush"}, {"host", "push.example.com"}}
	fields = append(fields, firefox...)
	fields = append(fields,
		Field{"connection_time", lasted}, Field{"direct_acked", acked}, Field{"direct_storage", 0},
		Field{"stored_retrieved", 0}, Field{"stored_acked", 0}, Field{"nacks", 0},
		Field{"unregisters", 0}, Field{"registers", 0},
		Field{"log_namespace", ConnectionNamespace})
	o.Message(seconds, ConnectionLogger, "Session", fields...)
}

// Hosts of the two node types under --no_aws (their FQDNs).
const (
	EndpointHost   = "ip-10-20-3-4.ec2.internal"
	ConnectionHost = "ip-10-20-1-7.ec2.internal"
)

// DebugMix appends messages until the object holds at least size bytes,
// as a debug-level push service logs them. Per message: its delivery
// record and "Request timings" on the endpoint node, the client's "Ack" on
// a connection node, and two websocket sessions of other clients ("hello",
// then "Session" when it closes: idle websockets are cut and reconnect,
// clients far outnumber messages). So one record in seven is a delivery
// and two in seven are records a reader must decode. One message in ten
// is stored (only its timings, 201), one in ten has no TTL.
//
// The values vary as the server's do, so the object compresses as a real
// one (about 11:1, not the 66:1 of repeated values): request_id a random
// uuid4; message_id (and version) a Fernet token of 153 bytes
// (utils.py generate_message_id: '02:uaid:chid:ns_time' encrypted, a fresh
// IV each); a JWT per request with its own signature; subscribers from a
// pool of 5000, each with its uaid, channel and endpoint token. rng makes
// it repeatable: seed it.
func (o *Object) DebugMix(rng *rand.Rand, keys []string, size int) {
	clients := make([]Client, 5000)
	for i := range clients {
		clients[i] = Client{UAIDHash: hexOf(rng, 16), ChannelID: hexOf(rng, 16), EndpointToken: fernetToken(rng, 1_790_000_000, 137)}
	}
	t := 1_790_000_000.0
	for i := 0; o.Len() < size; i++ {
		t += rng.Float64() * 0.002
		sender := i % len(keys)
		p := Push{
			Time: t, SenderKey: keys[sender], MessageID: fernetToken(rng, int64(t), 153),
			BodyLength: 4 * (100 + rng.IntN(900)), TTL: TTL(86400), Stored: i%10 == 3,
			RequestID: uuid4(rng), Expiry: int(t) + 43200, Client: clients[rng.IntN(len(clients))],
			SenderIP: fmt.Sprintf("203.0.113.%d", 1+sender%254),
		}
		p.JWT = jwt(rng, p.Expiry)
		if i%10 == 7 {
			p.TTL = nil
		}
		o.Hostname = EndpointHost
		o.Delivery(p)
		o.Hostname = ConnectionHost
		if !p.Stored {
			o.Ack(t+0.001, p)
		}
		for range 2 {
			c := clients[rng.IntN(len(clients))]
			o.Hello(t, c)
			o.Session(t+0.0005, c, rng.IntN(350), rng.IntN(3))
		}
	}
}

const hexDigits = "0123456789abcdef"

func hexOf(rng *rand.Rand, bytes int) string {
	b := make([]byte, 2*bytes)
	for i := range b {
		b[i] = hexDigits[rng.IntN(16)]
	}
	return string(b)
}

// uuid4 is a random UUID, version 4 (RFC 9562).
func uuid4(rng *rand.Rand) string {
	h := []byte(hexOf(rng, 16))
	h[12] = '4'
	h[16] = hexDigits[8+rng.IntN(4)]
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:])
}

// fernetToken has a Fernet token's form (cryptography's Fernet: 0x80, the
// seconds as 8 bytes big-endian, then IV, ciphertext and HMAC, here
// random), n bytes, base64url.
func fernetToken(rng *rand.Rand, seconds int64, n int) string {
	b := make([]byte, n)
	b[0] = 0x80
	binary.BigEndian.PutUint64(b[1:9], uint64(seconds))
	for i := 9; i < n; i++ {
		b[i] = byte(rng.Uint32())
	}
	return base64.URLEncoding.EncodeToString(b)
}

// jwt is a VAPID JWT (RFC 8292) with the given exp: ES256, its 64-byte
// signature random.
func jwt(rng *rand.Rand, expiry int) string {
	claims := fmt.Sprintf(`{"aud":"https://push.example.com","exp":%d,"sub":"mailto:ops@example.com"}`, expiry)
	sig := make([]byte, 64)
	for i := range sig {
		sig[i] = byte(rng.Uint32())
	}
	return "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + "." + base64.RawURLEncoding.EncodeToString(sig)
}
