package pushstandin_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/pushstandin"
)

// Facts from autopush 1.58.4 (tag 1.58.4): config.py parse_endpoint,
// utils.py parse_auth_header, web/webpush.py, router/webpush.py, by line.

// TestAV2EndpointWantsTheKeyItWasMadeFor: a v2 endpoint takes only a
// request whose VAPID key (k, the LAST one when there are several; the
// Crypto-Key header's p256ecdsa for the draft schemes) decodes to the
// register key's bytes, else 401 "Key mismatch" (config.py:386-439,
// utils.py:609-629, 125-133).
func TestAV2EndpointWantsTheKeyItWasMadeFor(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	c.hello("")
	right, other := newVAPIDKey(t), newVAPIDKey(t)
	endpoint := c.register(channel(), `, "key": "`+right.k+`"`)
	aud := endpointURL(s)
	jwt, otherJWT := right.es256(t, claims(aud, time.Hour)), other.es256(t, claims(aud, time.Hour))
	for name, tc := range map[string]struct {
		headers map[string]string
		status  int
		message string
	}{
		"the key":              {aes128gcm("vapid t=" + jwt + ", k=" + right.k), 201, ""},
		"the key, padded":      {aes128gcm("vapid t=" + jwt + ", k=" + right.k + "="), 201, ""},
		"no Authorization":     {aes128gcm(""), 401, "Missing Authorization Header"},
		"another key":          {aes128gcm("vapid t=" + otherJWT + ", k=" + other.k), 401, "Key mismatch"},
		"the last k wins":      {aes128gcm("vapid t=" + jwt + ", k=" + other.k + ", k=" + right.k), 201, ""},
		"the last k is wrong":  {aes128gcm("vapid t=" + jwt + ", k=" + right.k + ", k=" + other.k), 401, "Key mismatch"},
		"no k":                 {aes128gcm("vapid t=" + jwt), 401, "Missing Public Key"},
		"draft scheme":         {withHeader(aes128gcm("WebPush "+jwt), "Crypto-Key", "p256ecdsa="+right.k), 201, ""},
		"draft scheme, no key": {aes128gcm("WebPush " + jwt), 401, "Invalid key data"},
	} {
		t.Run(name, func(t *testing.T) {
			resp := post(t, endpoint, tc.headers, []byte("body"))
			assert.Equal(t, tc.status, resp.status, resp.body)
			if resp.status == 201 {
				assert.Equal(t, "notification", c.recv()["messageType"])
			}
			if tc.message != "" {
				assert.EqualValues(t, 109, resp.body["errno"])
				assert.Equal(t, "Request did not validate missing authorization header: "+tc.message, resp.body["message"])
			}
		})
	}
	// The path's version must be the token's (config.py:424-430).
	v1Path := strings.Replace(endpoint, "/wpush/v2/", "/wpush/v1/", 1)
	assert.Equal(t, 404, post(t, v1Path, aes128gcm("vapid t="+jwt+", k="+right.k), []byte("body")).status)
	v1 := c.register(channel(), "")
	v2Path := strings.Replace(v1, "/wpush/v1/", "/wpush/v2/", 1)
	assert.Equal(t, 404, post(t, v2Path, aes128gcm("vapid t="+jwt+", k="+right.k), []byte("body")).status)
	// A path without a version is checked as neither (http.py:140: api_ver
	// None; config.py:424-426 and web/webpush.py:402 compare with "v1",
	// "v2"): the v2 token is taken without VAPID.
	unversioned := strings.Replace(endpoint, "/wpush/v2/", "/wpush/", 1)
	assert.Equal(t, 201, post(t, unversioned, aes128gcm(""), []byte("body")).status)
}

func withHeader(h map[string]string, name, value string) map[string]string {
	h[name] = value
	return h
}

// TestVAPIDAsTheServerChecksIt: the Authorization header is read as
// parse_auth_header reads it (utils.py:609-629: the scheme up to the
// first space, any case, one of vapid, webpush, bearer (web/base.py:31);
// for vapid all spaces removed and every part name=value) and the token
// as validate_auth checks it (web/webpush.py:392-462): signed by the key,
// aud exactly endpoint_url, exp there and what int() reads, not past, at
// most 24 h ahead; sub never looked at. python-jose 3.1.0 (utils.py:204-215)
// takes any ES alg with the P-256 key and refuses a future nbf, an iat
// int() cannot read, a jti that is not a string and any at_hash.
func TestVAPIDAsTheServerChecksIt(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	c.hello("")
	endpoint := c.register(channel(), "") // v1: VAPID is checked when sent
	key, other := newVAPIDKey(t), newVAPIDKey(t)
	aud := endpointURL(s)
	now := time.Now().Unix()
	good := key.es256(t, claims(aud, time.Hour))
	vapid := func(jwt string) string { return "vapid t=" + jwt + ", k=" + key.k }
	withClaims := func(format string, args ...any) string {
		return vapid(key.es256(t, fmt.Sprintf(format, args...)))
	}
	for name, tc := range map[string]struct {
		authorization string
		status        int
	}{
		"good":                     {vapid(good), 201},
		"no sub":                   {withClaims(`{"aud":%q,"exp":%d}`, aud, now+3600), 201},
		"aud with a slash":         {withClaims(`{"aud":%q,"exp":%d}`, aud+"/", now+3600), 401},
		"aud of another origin":    {withClaims(`{"aud":"https://push.example.com","exp":%d}`, now+3600), 401},
		"no aud":                   {withClaims(`{"exp":%d}`, now+3600), 401},
		"no exp":                   {withClaims(`{"aud":%q}`, aud), 401},
		"exp past":                 {withClaims(`{"aud":%q,"exp":%d}`, aud, now-10), 401},
		"exp 23 h ahead":           {withClaims(`{"aud":%q,"exp":%d}`, aud, now+23*3600), 201},
		"exp 25 h ahead":           {withClaims(`{"aud":%q,"exp":%d}`, aud, now+25*3600), 401},
		"exp a string int() reads": {withClaims(`{"aud":%q,"exp":" %d "}`, aud, now+3600), 201},
		"exp a float":              {withClaims(`{"aud":%q,"exp":%d.9}`, aud, now+3600), 201},
		"exp not a number":         {withClaims(`{"aud":%q,"exp":"soon"}`, aud), 401},
		"exp null":                 {withClaims(`{"aud":%q,"exp":null}`, aud), 401},
		"nbf ahead":                {withClaims(`{"aud":%q,"exp":%d,"nbf":%d}`, aud, now+3600, now+600), 401},
		"iat not a number":         {withClaims(`{"aud":%q,"exp":%d,"iat":"x"}`, aud, now+3600), 401},
		"jti a number":             {withClaims(`{"aud":%q,"exp":%d,"jti":5}`, aud, now+3600), 401},
		"at_hash":                  {withClaims(`{"aud":%q,"exp":%d,"at_hash":"x"}`, aud, now+3600), 401},
		"signed by another key":    {"vapid t=" + other.es256(t, claims(aud, time.Hour)) + ", k=" + key.k, 401},
		"ES384 with the P-256 key": {vapid(key.jwt(t, `{"alg":"ES384"}`, claims(aud, time.Hour), sha512.New384())), 201},
		"HS256":                    {vapid(key.jwt(t, `{"alg":"HS256"}`, claims(aud, time.Hour), sha256.New())), 401},
		"scheme in capitals":       {"VAPID t=" + good + ", k=" + key.k, 201},
		"spaces anywhere":          {"vapid t = " + good[:20] + " " + good[20:] + " , k = " + key.k, 201},
		"no spaces":                {"vapid t=" + good + ",k=" + key.k, 201},
		"a part without =":         {"vapid t=" + good + ", k=" + key.k + ",", 401},
		"no space after scheme":    {"vapidt=" + good + ",k=" + key.k, 401},
		"unknown scheme":           {"Basic " + good, 401},
		"no t":                     {"vapid k=" + key.k, 401},
		"bearer with Crypto-Key":   {"bearer " + good, 201},
		"compressed k":             {"vapid t=" + good + ", k=" + compressed(t, key), 201},
	} {
		t.Run(name, func(t *testing.T) {
			h := aes128gcm(tc.authorization)
			if strings.HasPrefix(tc.authorization, "bearer ") {
				h["Crypto-Key"] = "p256ecdsa=" + key.k
			}
			resp := post(t, endpoint, h, []byte("body"))
			assert.Equal(t, tc.status, resp.status, resp.body)
			if tc.status == 401 {
				assert.EqualValues(t, 109, resp.body["errno"])
			}
		})
	}
}

// compressed is key's public point compressed (SEC 1 2.3.3), base64url:
// ecdsa 0.15 from_string reads 33 bytes so (keys.py:298-299).
func compressed(t *testing.T, key vapidKey) string {
	point, err := base64.RawURLEncoding.DecodeString(key.k)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(append([]byte{2 + point[64]&1}, point[1:33]...))
}

// TestAV1EndpointNeedsNoVAPID: without an Authorization header a v1
// endpoint takes the message (web/webpush.py:402-404).
func TestAV1EndpointNeedsNoVAPID(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	c.hello("")
	resp := post(t, c.register(channel(), ""), aes128gcm(""), []byte("body"))
	assert.Equal(t, 201, resp.status, resp.body)
}

// TestTheBodyAsTheServerTakesIt: with a body, Content-Encoding aes128gcm
// without a salt in Encryption or a dh in Crypto-Key (web/webpush.py:300-330),
// or the older aesgcm with both (:256-298); any other coding 400 errno
// 110 (:333-357); at most 4096 bytes, else 400 errno 104 (:372-380).
// An empty body needs no coding (:346).
func TestTheBodyAsTheServerTakesIt(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	c.hello("")
	endpoint := c.register(channel(), "")
	for name, tc := range map[string]struct {
		headers map[string]string
		body    []byte
		status  int
		errno   int
	}{
		"aes128gcm":                    {map[string]string{"Content-Encoding": "aes128gcm", "TTL": "0"}, []byte("b"), 201, 0},
		"aes128gcm, 4096 bytes":        {map[string]string{"Content-Encoding": "aes128gcm", "TTL": "0"}, bytes.Repeat([]byte("b"), 4096), 201, 0},
		"aes128gcm, 4097 bytes":        {map[string]string{"Content-Encoding": "aes128gcm", "TTL": "0"}, bytes.Repeat([]byte("b"), 4097), 400, 104},
		"aes128gcm with a salt":        {map[string]string{"Content-Encoding": "aes128gcm", "TTL": "0", "Encryption": "salt=c2FsdA"}, []byte("b"), 400, 110},
		"aes128gcm with a dh":          {map[string]string{"Content-Encoding": "aes128gcm", "TTL": "0", "Crypto-Key": "dh=ZGg"}, []byte("b"), 400, 110},
		"aes128gcm with a p256ecdsa":   {map[string]string{"Content-Encoding": "aes128gcm", "TTL": "0", "Crypto-Key": "p256ecdsa=a2V5"}, []byte("b"), 201, 0},
		"aesgcm with salt and dh":      {map[string]string{"Content-Encoding": "aesgcm", "TTL": "0", "Encryption": "salt=c2FsdA", "Crypto-Key": "dh=ZGg"}, []byte("b"), 201, 0},
		"aesgcm without a salt":        {map[string]string{"Content-Encoding": "aesgcm", "TTL": "0", "Encryption": "rs=4096", "Crypto-Key": "dh=ZGg"}, []byte("b"), 400, 110},
		"no Content-Encoding":          {map[string]string{"TTL": "0"}, []byte("b"), 400, 110},
		"gzip":                         {map[string]string{"Content-Encoding": "gzip", "TTL": "0"}, []byte("b"), 400, 110},
		"no body, no Content-Encoding": {map[string]string{"TTL": "0"}, nil, 201, 0},
	} {
		t.Run(name, func(t *testing.T) {
			resp := post(t, endpoint, tc.headers, tc.body)
			assert.Equal(t, tc.status, resp.status, resp.body)
			if tc.errno != 0 {
				assert.EqualValues(t, tc.errno, resp.body["errno"], resp.body)
			}
		})
	}
}

// TestAMessageIsDeliveredAs201WithLocation: 201 with Location
// <endpoint_url>/m/<message_id> (router/webpush.py:155-163); the client
// gets messageType, channelID, version (the message_id), data (base64url
// without '=') and headers ({"encoding": "aes128gcm"}) and nothing else
// (utils.py:592-606, 367-397); a message without a body has no data and
// no headers.
func TestAMessageIsDeliveredAs201WithLocation(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	c.hello("")
	id := channel()
	endpoint := c.register(id, "")
	body := []byte{0xfb, 0xff, 0x01, 0x02} // base64url "-_8BAg==": both URL-safe characters and padding
	resp := post(t, endpoint, aes128gcm(""), body)
	require.Equal(t, 201, resp.status, resp.body)
	location := regexp.MustCompile(`^` + regexp.QuoteMeta(endpointURL(s)) + `/m/([^/]+)$`).FindStringSubmatch(resp.header.Get("Location"))
	require.NotNil(t, location, resp.header.Get("Location"))
	assert.Equal(t, map[string]any{"messageType": "notification", "channelID": id, "version": location[1],
		"data": "-_8BAg", "headers": map[string]any{"encoding": "aes128gcm"}}, c.recv())

	require.Equal(t, 201, post(t, endpoint, map[string]string{"TTL": "60"}, nil).status)
	notification := c.recv()
	assert.Equal(t, []string{"channelID", "messageType", "version"}, keys(notification))
}

// goOffline closes c and waits until the server has noticed: a message
// without a TTL to the v1 endpoint is then refused (router/webpush.py:220-230).
func goOffline(t *testing.T, c *conn, endpoint string) {
	t.Helper()
	c.c.CloseNow()
	require.Eventually(t, func() bool { return post(t, endpoint, nil, nil).status == 400 }, 2*time.Second, 10*time.Millisecond)
}

func keys(m map[string]any) []string {
	var k []string
	for name := range m {
		k = append(k, name)
	}
	sort.Strings(k)
	return k
}

// TestAMessageForAnOfflineClientIsStored: it is taken (201 with Location,
// router/webpush.py:165-177) if it has a TTL, else 400 errno 111
// "Missing TTL Header" (:220-230); with TTL 0 it is taken and dropped
// (:232-239). The stored message comes after the next hello's reply
// (websocket.py:855-868, 1001-1021) until the client acks it. A message
// to a connected client needs no TTL.
func TestAMessageForAnOfflineClientIsStored(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	uaid := c.hello("")["uaid"].(string)
	id := channel()
	endpoint := c.register(id, "")
	delivered := post(t, endpoint, map[string]string{"Content-Encoding": "aes128gcm"}, []byte("now"))
	assert.Equal(t, 201, delivered.status, "a connected client needs no TTL")
	assert.Equal(t, "0", delivered.header.Get("TTL"))
	c.recv()
	goOffline(t, c, endpoint)

	noTTL := post(t, endpoint, map[string]string{"Content-Encoding": "aes128gcm"}, []byte("later"))
	assert.Equal(t, 400, noTTL.status)
	assert.EqualValues(t, 111, noTTL.body["errno"])
	assert.Equal(t, "Missing TTL Header, see: https://webpush-wg.github.io/webpush-protocol/#rfc.section.6.2", noTTL.body["message"])
	assert.Equal(t, 201, post(t, endpoint, map[string]string{"Content-Encoding": "aes128gcm", "TTL": "0"}, []byte("dropped")).status)
	stored := post(t, endpoint, map[string]string{"Content-Encoding": "aes128gcm", "TTL": "60"}, []byte("later"))
	require.Equal(t, 201, stored.status)
	assert.Equal(t, "60", stored.header.Get("TTL"))
	version := strings.TrimPrefix(stored.header.Get("Location"), endpointURL(s)+"/m/")

	again := dial(t, s)
	again.hello(`"uaid": "` + uaid + `"`)
	notification := again.recv()
	assert.Equal(t, version, notification["version"])
	assert.Equal(t, base64.RawURLEncoding.EncodeToString([]byte("later")), notification["data"])
	again.send(`{"messageType": "ack", "updates": [{"channelID": "` + id + `", "version": "` + version + `", "code": 100}]}`)
	again.send(`{}`)
	assert.Equal(t, "{}", again.recvRaw(), "nothing else was stored")
	goOffline(t, again, endpoint)

	last := dial(t, s)
	last.hello(`"uaid": "` + uaid + `"`)
	last.send(`{}`)
	assert.Equal(t, "{}", last.recvRaw(), "an acknowledged message is not sent again")
}

// TestTTLAsTheServerReadsIt: what int() reads, capped at 60 days
// (web/webpush.py:175-202); negative is 400 errno 114, anything else
// int() refuses a 400 validation error.
func TestTTLAsTheServerReadsIt(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	c.hello("")
	endpoint := c.register(channel(), "")
	for ttl, want := range map[string]string{" 60 ": "60", "+5": "5", "99999999": "5184000", "-1": "400", "abc": "400", "1.5": "400", "": "400"} {
		resp := post(t, endpoint, map[string]string{"TTL": ttl}, nil)
		if want == "400" {
			assert.Equal(t, 400, resp.status, ttl)
			continue
		}
		assert.Equal(t, 201, resp.status, ttl)
		assert.Equal(t, want, resp.header.Get("TTL"), ttl)
		c.recv()
	}
	assert.EqualValues(t, 114, post(t, endpoint, map[string]string{"TTL": "-1"}, nil).body["errno"])
}

// TestAnEndpointTheServerDidNotMakeIs404: a token that is not the
// server's is 404 errno 102 (web/webpush.py:78-79); a path not
// /wpush/[v<n>/]<token> is 404 (http.py:140-152).
func TestAnEndpointTheServerDidNotMakeIs404(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	resp := post(t, endpointURL(s)+"/wpush/v1/gAAAAABnot-a-token", map[string]string{"TTL": "60"}, nil)
	assert.Equal(t, 404, resp.status)
	assert.EqualValues(t, 102, resp.body["errno"])
	c := dial(t, s)
	c.hello("")
	endpoint := c.register(channel(), "")
	assert.Equal(t, 404, post(t, strings.Replace(endpoint, "/v1/", "/x1/", 1), map[string]string{"TTL": "60"}, nil).status)
}

// TestOnDeliveryReportsWhatTheLogRecordHolds: once per message taken,
// delivered or stored, with the key text the token was verified with,
// the version and the base64url length of the body (message_size,
// web/webpush.py:533; utils.py:457); not for a stored TTL-0 message
// (logged as 204, router/webpush.py:232-239).
func TestOnDeliveryReportsWhatTheLogRecordHolds(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	type call struct {
		key, version string
		size         int
	}
	calls := make(chan call, 256)
	s.OnDelivery = func(key, version string, size int) { calls <- call{key, version, size} }
	c := dial(t, s)
	c.hello("")
	key := newVAPIDKey(t)
	endpoint := c.register(channel(), `, "key": "`+key.k+`"`)
	resp := post(t, endpoint, aes128gcm("vapid t="+key.es256(t, claims(endpointURL(s), time.Hour))+", k="+key.k), []byte("four"))
	require.Equal(t, 201, resp.status, resp.body)
	version := c.recv()["version"].(string)
	assert.Equal(t, call{key.k, version, len("Zm91cg")}, <-calls)

	v1 := c.register(channel(), "")
	goOffline(t, c, v1)
	for len(calls) > 0 {
		<-calls // what goOffline sent while the server still had the client
	}
	require.Equal(t, 201, post(t, v1, map[string]string{"TTL": "0"}, nil).status)
	require.Equal(t, 201, post(t, v1, map[string]string{"TTL": "60"}, nil).status)
	got := <-calls
	assert.Equal(t, "", got.key, "no Authorization, no key")
	assert.Equal(t, 0, got.size)
	assert.Empty(t, calls, "the TTL-0 message is not reported")
}
