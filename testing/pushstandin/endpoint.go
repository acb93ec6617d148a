package pushstandin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket/wsjson"
	"github.com/push-turnkey/push-turnkey/services/pushlog/pybase64"
)

// The WebPush endpoint as 1.58.4 serves it: WebPushHandler and its
// schema (web/webpush.py), parse_endpoint (config.py:386-439) and the
// webpush router (router/webpush.py); line numbers are of tag 1.58.4.

const (
	// maxData is the most body bytes taken (--max_data, config.py:160).
	maxData = 4096
	// maxTTL caps a TTL at 60 days (web/webpush.py:52, 199-202).
	maxTTL = 60 * 60 * 24 * 60
	// ttlURL ends the missing-TTL refusal (router/webpush.py:36).
	ttlURL = "https://webpush-wg.github.io/webpush-protocol/#rfc.section.6.2"
	// httpErrorURL is every error's more_info (web/base.py:33-34).
	httpErrorURL = "http://autopush.readthedocs.io/en/latest/http.html#error-codes"
)

var (
	apiVersion = regexp.MustCompile(`^v\d+$`)                                              // http.py:140
	base64URL  = regexp.MustCompile(`^[0-9A-Za-z\-_]+=*$`)                                 // VALID_BASE64_URL, web/webpush.py:55
	padding    = regexp.MustCompile(`=+([,;])`)                                            // STRIP_PADDING before , or ; (utils.py:34)
	statusText = map[int]string{400: "Bad Request", 401: "Unauthorized", 404: "Not Found"} // web/base.py:18-29; 410 has none
)

// refusal is an error answer: web/base.py _write_response (:201-234),
// or with field set a marshmallow validation error, 400 with the errors
// and no errno (web/base.py:351-361; the wording is marshmallow's,
// roughly).
type refusal struct {
	status, errno int
	message       string
	field         string
	vapid         bool // validate_auth's: with WWW-Authenticate: webpush
}

// invalid is an InvalidRequest, which _validation_err prefixes (web/base.py:236-249).
func invalid(status, errno int, message string) *refusal {
	return &refusal{status: status, errno: errno, message: "Request did not validate " + message}
}

func fieldError(field, message string) *refusal {
	return &refusal{status: http.StatusBadRequest, field: field, message: message}
}

func (e *refusal) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	body := map[string]any{"code": e.status, "errno": e.errno, "error": statusText[e.status], "more_info": httpErrorURL, "message": e.message}
	switch {
	case e.field != "":
		body = map[string]any{"code": e.status, "errors": map[string]any{e.field: []string{e.message}}}
	case e.vapid:
		w.Header().Set("WWW-Authenticate", "webpush")
	case e.status == http.StatusGone:
		w.Header().Set("Cache-Control", "max-age=86400")
	}
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(body)
}

// header is a request header as cyclone's HTTPHeaders gives it: repeated
// fields joined with ','; present is false when the request has none.
func header(r *http.Request, name string) (value string, present bool) {
	values := r.Header.Values(name)
	return strings.Join(values, ","), len(values) > 0
}

// push takes a WebPush message. The server's schema checks the fields in
// its own dict order; here: the endpoint, the headers, the body, then
// VAPID (validate_auth runs last, after every field is valid).
func (s *Server) push(w http.ResponseWriter, r *http.Request) {
	ver := r.PathValue("ver")
	if ver != "" && !apiVersion.MatchString(ver) {
		w.WriteHeader(http.StatusNotFound) // NotFoundHandler (web/base.py:133-146)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxData+1))
	if err != nil {
		return
	}
	authHeader, _ := header(r, "Authorization")
	sub, auth, publicKey, e := s.subscription(r, ver)
	var ttl *int
	if e == nil {
		ttl, e = ttlAndTopic(r)
	}
	var notifHeaders map[string]string
	if e == nil && len(body) > 0 { // no coding asked of an empty body (web/webpush.py:344-357)
		notifHeaders, e = contentCoding(r)
	}
	if e == nil && len(body) > maxData {
		// The connection may instead drop first: LimitedHTTPConnection
		// closes on a read of more than 4096 bytes (web/limitedhttpconnection.py:35-42).
		e = invalid(400, 104, "Data payload must be smaller than 4096") // web/webpush.py:372-380
	}
	if e == nil && (ver == "v2" || authHeader != "") {
		e = checkVAPID(auth, publicKey, s.endpointURL(), time.Now()) // web/webpush.py:400-404
	}
	if e != nil {
		e.write(w)
		return
	}
	if authHeader == "" {
		publicKey = "" // no VAPID, no key in the log
	}
	s.route(r.Context(), w, sub, publicKey, body, ttl, notifHeaders)
}

// subscription is parse_endpoint (config.py:386-439) and the channel
// check (web/webpush.py:83-172): the token must be one this server made,
// of the path's version; a v2 token demands an Authorization whose key
// (k of the vapid scheme, else Crypto-Key's p256ecdsa) decodes to bytes
// whose sha256 the token holds. It returns the parsed Authorization (nil
// without one) and that key text.
func (s *Server) subscription(r *http.Request, ver string) (sub endpointKey, auth map[string]string, publicKey string, e *refusal) {
	unauthorized := func(why string) *refusal { return invalid(401, 109, "missing authorization header: "+why) } // web/webpush.py:75-77
	badToken := invalid(404, 102, "invalid token")                                                               // web/webpush.py:78-79
	s.mu.Lock()
	sub, ok := s.tokens[r.PathValue("token")]
	registered := ok && s.users[sub.uaid].channels[sub.channelID]
	s.mu.Unlock()
	if !ok {
		return sub, nil, "", badToken // Fernet cannot decrypt it
	}
	if ck, _ := header(r, "Crypto-Key"); ck != "" {
		labels, err := parseCryptoKey(ck)
		if err != nil {
			return sub, nil, "", badToken // config.py:402-406
		}
		publicKey = label(labels, "p256ecdsa")
	}
	authHeader, _ := header(r, "Authorization")
	if authHeader != "" {
		var err error
		if auth, err = parseAuthHeader(authHeader); err != nil {
			return sub, nil, "", unauthorized(err.Error())
		}
		if len(auth) == 0 {
			return sub, nil, "", unauthorized("Invalid Auth token") // config.py:411-413
		}
		if auth["scheme"] == "vapid" {
			k, ok := auth["k"]
			if !ok {
				return sub, nil, "", unauthorized("Missing Public Key") // config.py:419-423
			}
			publicKey = k
		}
	}
	switch ver {
	case "v1":
		if sub.keyHash != nil {
			return sub, nil, "", badToken // "Corrupted push token" (config.py:424-425)
		}
	case "v2":
		switch {
		case authHeader == "":
			return sub, nil, "", unauthorized("Missing Authorization Header") // config.py:427-428
		case sub.keyHash == nil:
			return sub, nil, "", badToken // config.py:429-430
		case publicKey == "":
			return sub, nil, "", unauthorized("Invalid key data") // config.py:431-432
		}
		raw, err := pybase64.URLSafeDecode(pybase64.Repad(publicKey))
		if err != nil {
			return sub, nil, "", unauthorized("Invalid key data") // config.py:433-436
		}
		if h := sha256.Sum256(raw); !bytes.Equal(h[:], sub.keyHash) {
			return sub, nil, "", unauthorized("Key mismatch") // config.py:437-439
		}
	}
	if !registered {
		return sub, nil, "", invalid(410, 106, "No such subscription") // web/webpush.py:166-172
	}
	return sub, auth, publicKey, nil
}

// parseCryptoKey is CryptoKey (crypto_key.py:25-42): chunks split on ',',
// each on ';' into name=value (a bit without '=' fails), names trimmed of
// whitespace, values of spaces and quotes.
func parseCryptoKey(h string) ([]map[string]string, error) {
	var chunks []map[string]string
	for _, chunk := range strings.Split(h, ",") {
		m := map[string]string{}
		for _, bit := range strings.Split(chunk, ";") {
			k, v, ok := strings.Cut(bit, "=")
			if !ok {
				return nil, errInvalidCryptoKey
			}
			m[strings.TrimSpace(k)] = strings.Trim(v, ` "`)
		}
		chunks = append(chunks, m)
	}
	return chunks, nil
}

var errInvalidCryptoKey = errors.New("Invalid Crypto Key value")

// label is get_label: the value in the first chunk that names it, or ""
// (crypto_key.py:62-83).
func label(chunks []map[string]string, name string) string {
	for _, c := range chunks {
		if v, ok := c[name]; ok {
			return v
		}
	}
	return ""
}

// labelOf is parse_and_get_label: "" also when the header does not parse
// (crypto_key.py:85-99).
func labelOf(h, name string) string {
	chunks, _ := parseCryptoKey(h)
	return label(chunks, name)
}

// ttlAndTopic reads TTL and Topic (WebPushBasicHeaderSchema, web/webpush.py:175-202):
// TTL, when there, is what int() reads, not negative, capped at 60 days;
// nil without one. Topic is at most 32 characters of the base64url
// alphabet.
func ttlAndTopic(r *http.Request) (*int, *refusal) {
	if topic, present := header(r, "Topic"); present {
		switch {
		case len(topic) > 32:
			return nil, invalid(400, 113, "Topic must be no greater than 32 characters")
		case !base64URL.MatchString(topic):
			return nil, invalid(400, 113, "Topic must be URL and Filename safe Base64 alphabet")
		}
	}
	v, present := header(r, "TTL")
	if !present {
		return nil, nil
	}
	f, ok := pyInt(v)
	switch {
	case !ok:
		return nil, fieldError("ttl", "Not a valid integer.")
	case f < 0:
		return nil, invalid(400, 114, "TTL must be greater than 0")
	}
	ttl := int(min(f, maxTTL))
	return &ttl, nil
}

// contentCoding checks the headers each Content-Encoding asks of a body
// (web/webpush.py:205-357) and returns the notification's headers
// (cleanup_headers, utils.py:367-397).
func contentCoding(r *http.Request) (map[string]string, *refusal) {
	coding, _ := header(r, "Content-Encoding")
	encryption, hasEncryption := header(r, "Encryption")
	cryptoKey, hasCryptoKey := header(r, "Crypto-Key")
	encryptionKey, hasEncryptionKey := header(r, "Encryption-Key")
	badSalt := invalid(400, 110, "Invalid salt value in Encryption header")
	badDH := invalid(400, 110, "Invalid dh value in Encryption-Key header")
	switch coding {
	case "aes128gcm": // RFC 8291; the old parameters refused (:300-330)
		switch {
		case hasEncryption && labelOf(encryption, "salt") != "":
			return nil, invalid(400, 110, "Do not include 'salt' in aes128gcm Encryption header")
		case hasCryptoKey && labelOf(cryptoKey, "dh") != "":
			return nil, invalid(400, 110, "Do not include 'dh' in aes128gcm Crypto-Key header")
		}
		hasEncryptionKey = false // not a field of this schema
	case "aesgcm": // draft-ietf-httpbis-encryption-encoding-04 (:256-298)
		switch salt := labelOf(encryption, "salt"); {
		case !hasEncryption:
			return nil, fieldError("encryption", "Missing data for required field.")
		case salt == "" || !base64URL.MatchString(salt):
			return nil, badSalt
		case hasCryptoKey && labelOf(cryptoKey, "dh") == "":
			return nil, badDH
		case hasEncryptionKey:
			return nil, invalid(400, 110, "Encryption-Key header not valid for 02 or later webpush-encryption")
		}
	case "aesgcm128": // draft-ietf-webpush-encryption-01 (:205-254)
		switch salt := labelOf(encryption, "salt"); {
		case !hasEncryption || !hasEncryptionKey:
			return nil, fieldError("encryption", "Missing data for required field.")
		case salt == "" || !base64URL.MatchString(salt):
			return nil, badSalt
		case hasCryptoKey && labelOf(cryptoKey, "dh") != "":
			return nil, invalid(400, 110, "dh value in Crypto-Key header not valid for 01 or earlier webpush-encryption")
		case labelOf(encryptionKey, "dh") == "":
			return nil, badDH
		}
	default:
		return nil, invalid(400, 110, "Unknown Content-Encoding") // :333-341
	}
	h := map[string]string{"encoding": coding}
	if hasEncryption {
		h["encryption"] = stripPadding(encryption)
	}
	if hasCryptoKey {
		h["crypto_key"] = stripPadding(cryptoKey)
	}
	if hasEncryptionKey {
		h["encryption_key"] = encryptionKey
	}
	return h, nil
}

// stripPadding removes quotes and the '=' that end a value (utils.py:376-381).
func stripPadding(v string) string {
	v = strings.ReplaceAll(v, `"`, "")
	return strings.TrimRight(padding.ReplaceAllString(v, "$1"), "=")
}

// route delivers to a connected client or stores (router/webpush.py:64-240):
// 201 with Location <endpoint_url>/m/<version> either way. A message for
// an offline client needs a TTL (400 otherwise); with TTL 0 it is taken
// and not stored.
func (s *Server) route(ctx context.Context, w http.ResponseWriter, sub endpointKey, publicKey string, body []byte, ttl *int, headers map[string]string) {
	version := token()
	location := s.endpointURL() + "/m/" + version
	if s.DropNotifications {
		w.Header().Set("Location", location)
		w.WriteHeader(http.StatusCreated)
		return
	}
	frame := map[string]any{"messageType": "notification", "channelID": sub.channelID, "version": version} // utils.py:592-606
	data := ""
	if len(body) > 0 {
		data = base64.RawURLEncoding.EncodeToString(body) // base64url_encode strips '='
		frame["data"], frame["headers"] = data, headers
	}
	seconds := 0
	if ttl != nil {
		seconds = *ttl
	}
	p := pending{frame: frame, expires: time.Now().Add(time.Duration(seconds) * time.Second)}
	s.mu.Lock()
	u := s.users[sub.uaid]
	conn := u.conn
	switch {
	case conn != nil:
		p.via = conn
		u.pending = append(u.pending, p)
	case ttl == nil:
		s.mu.Unlock()
		(&refusal{status: 400, errno: 111, message: "Missing TTL Header, see: " + ttlURL}).write(w) // router/webpush.py:222-230
		return
	case *ttl > 0:
		u.pending = append(u.pending, p)
	}
	s.mu.Unlock()
	w.Header().Set("Location", location)
	w.Header().Set("TTL", strconv.Itoa(seconds)) // :155-177, 232-239
	w.WriteHeader(http.StatusCreated)
	if conn != nil {
		// Before the 201 reaches the sender, as the server answers once
		// the node has handed it over (router/webpush.py:81-95).
		_ = wsjson.Write(ctx, conn, frame)
	}
	// A stored TTL-0 message is logged with status 204, which the
	// processor skips (router/webpush.py:232-239).
	if (conn != nil || seconds > 0) && s.OnDelivery != nil {
		s.OnDelivery(publicKey, version, len(data))
	}
}
