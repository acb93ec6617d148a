package pushstandin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/pushstandin"
)

// Facts from autopush 1.58.4's websocket.py (tag 1.58.4), by line.

// noStatus is the close autobahn's sendClose() sends: no status code.
const noStatus = websocket.StatusNoStatusRcvd

// TestHelloMustAskForWebPush: a hello without a true use_webpush gets
// {"messageType": "hello", "status": 401, "reason": "Simplepush not
// supported"} and the connection is closed (websocket.py:710-711,
// returnError :646-656).
func TestHelloMustAskForWebPush(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	for _, hello := range []string{
		`{"messageType": "hello"}`,
		`{"messageType": "hello", "use_webpush": false}`,
		`{"messageType": "hello", "use_webpush": 0}`,
	} {
		t.Run(hello, func(t *testing.T) {
			c := dial(t, s)
			c.send(hello)
			reply := c.recv()
			assert.Equal(t, "hello", reply["messageType"])
			assert.EqualValues(t, 401, reply["status"])
			assert.Equal(t, "Simplepush not supported", reply["reason"])
			assert.Equal(t, noStatus, c.closed())
		})
	}
}

// TestTheHelloReply: uaid (a new uuid4().hex when none is asked,
// websocket.py:741), status 200, use_webpush, ping (a float: the stack's
// --auto_ping_interval 240, main_argparse.py:232, websocket.py:861-862)
// and env ("development", main_argparse.py:71-73), nothing else
// (websocket.py:855-868).
func TestTheHelloReply(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	c.send(`{"messageType": "hello", "use_webpush": true}`)
	raw := c.recvRaw()
	assert.Regexp(t, `"ping":\s*240\.0\b`, raw, "Python's json.dumps writes a float with a point")
	var reply map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &reply))
	uaid, _ := reply["uaid"].(string)
	assert.Regexp(t, `^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$`, uaid)
	delete(reply, "uaid")
	assert.Equal(t, map[string]any{"messageType": "hello", "status": 200.0, "use_webpush": true, "ping": 240.0, "env": "development"}, reply)
}

// TestHelloKeepsOnlyAKnownUAID: a uaid is kept when it is 32 lower-case
// hex digits (uuid.UUID(x).hex == x, validate_uaid, utils.py:95-105) and
// the server has its record (_verify_user_record, websocket.py:754-766);
// any other gets a new one.
func TestHelloKeepsOnlyAKnownUAID(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	first := dial(t, s).hello("")["uaid"].(string)
	dashed := first[:8] + "-" + first[8:12] + "-" + first[12:16] + "-" + first[16:20] + "-" + first[20:]
	for asked, kept := range map[string]bool{
		first:                              true,
		strings.ToUpper(first):             false,
		dashed:                             false,
		"{" + first + "}":                  false,
		"x":                                false,
		"0123456789abcdef0123456789abcdef": false, // well formed, no record
	} {
		got := dial(t, s).hello(`"uaid": "` + asked + `"`)["uaid"]
		if kept {
			assert.Equal(t, asked, got)
		} else {
			assert.NotEqual(t, asked, got, asked)
			assert.NotEqual(t, first, got, asked)
			assert.Regexp(t, `^[0-9a-f]{32}$`, got)
		}
	}
}

// TestOnlyAHelloMayComeFirst: before hello, any other message, text that
// is not a JSON object or a binary frame closes the connection without a
// reply (websocket.py:496-509, 512-513, 703-705).
func TestOnlyAHelloMayComeFirst(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	for _, first := range []string{
		`{"messageType": "register", "channelID": "` + channel() + `"}`,
		`{}`,
		`{"use_webpush": true}`,
		`not json`,
		`["hello"]`,
	} {
		t.Run(first, func(t *testing.T) {
			c := dial(t, s)
			c.send(first)
			assert.Equal(t, noStatus, c.closed())
		})
	}
	t.Run("binary", func(t *testing.T) {
		c := dial(t, s)
		require.NoError(t, c.c.Write(context.Background(), websocket.MessageBinary, []byte(`{"messageType": "hello", "use_webpush": true}`)))
		assert.Equal(t, noStatus, c.closed())
	})
}

// TestASecondHelloIsRefused: 401 "duplicate hello", then the connection
// is closed (websocket.py:707-708).
func TestASecondHelloIsRefused(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	c.hello("")
	c.send(`{"messageType": "hello", "use_webpush": true}`)
	reply := c.recv()
	assert.EqualValues(t, 401, reply["status"])
	assert.Equal(t, "duplicate hello", reply["reason"])
	assert.Equal(t, noStatus, c.closed())
}

// TestAnUnknownMessageClosesTheConnection: after hello, a message type
// the server does not know (Firefox's broadcast_subscribe among them) or
// none closes the connection, with no reply (websocket.py:519-534).
func TestAnUnknownMessageClosesTheConnection(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	for _, m := range []string{
		`{"messageType": "broadcast_subscribe", "broadcasts": {"remote-settings/monitor_changes": "v1"}}`,
		`{"messageType": "Register", "channelID": "` + channel() + `"}`,
		`{"channelID": "` + channel() + `"}`,
	} {
		t.Run(m, func(t *testing.T) {
			c := dial(t, s)
			c.hello("")
			c.send(m)
			assert.Equal(t, noStatus, c.closed())
		})
	}
}

// TestRegisterWantsALowerCaseDashedChannelID: channelID must be what
// str(uuid.UUID(x)) gives back (websocket.py:1118-1128); otherwise a 401
// (bad_message, :1351-1356) and the connection stays open.
func TestRegisterWantsALowerCaseDashedChannelID(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	id := channel()
	badFormat := "Bad UUID format, uselower case, dashed format" // sic: "use" "lower" (:1125-1126)
	for m, reason := range map[string]any{
		`{"messageType": "register", "channelID": "c1"}`:                                      "Invalid UUID specified",
		`{"messageType": "register", "channelID": null}`:                                      "Invalid UUID specified",
		`{"messageType": "register", "channelID": "` + strings.ToUpper(id) + `"}`:             badFormat,
		`{"messageType": "register", "channelID": "` + strings.ReplaceAll(id, "-", "") + `"}`: badFormat,
		`{"messageType": "register", "channelID": "{` + id + `}"}`:                            badFormat,
		`{"messageType": "register"}`:                                                         nil,
	} {
		t.Run(m, func(t *testing.T) {
			c := dial(t, s)
			c.hello("")
			c.send(m)
			reply := c.recv()
			assert.Equal(t, "register", reply["messageType"])
			assert.EqualValues(t, 401, reply["status"])
			assert.Equal(t, reason, reply["reason"])
			assert.NotContains(t, reply, "pushEndpoint")
			c.register(channel(), "") // still open
		})
	}
}

// TestRegisterWithAKeyGivesAV2Endpoint: without a key the endpoint is
// <endpoint_url>/wpush/v1/<token>, with one /wpush/v2/<token>, the key
// base64url with or without padding (config.py:362-384); a key that does
// not decode fails make_endpoint: status 500 (websocket.py:1138-1144).
func TestRegisterWithAKeyGivesAV2Endpoint(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	key := newVAPIDKey(t).k
	padded := key + strings.Repeat("=", (4-len(key)%4)%4)
	require.NotEqual(t, key, padded)
	c := dial(t, s)
	c.hello("")
	v1 := regexp.MustCompile(`^` + regexp.QuoteMeta(endpointURL(s)) + `/wpush/v1/[^/]+$`)
	v2 := regexp.MustCompile(`^` + regexp.QuoteMeta(endpointURL(s)) + `/wpush/v2/[^/]+$`)
	assert.Regexp(t, v1, c.register(channel(), ""))
	assert.Regexp(t, v1, c.register(channel(), `, "key": null`))
	assert.Regexp(t, v2, c.register(channel(), `, "key": "`+key+`"`))
	assert.Regexp(t, v2, c.register(channel(), `, "key": "`+padded+`"`), "Firefox pads the key")

	c.send(`{"messageType": "register", "channelID": "` + channel() + `", "key": "A"}`)
	reply := c.recv()
	assert.Equal(t, map[string]any{"messageType": "register", "status": 500.0, "reason": "An unexpected server error occurred"}, reply)
}

// TestAckHasNoReplyAndUnregisterIsEchoed: an ack gets nothing back
// (websocket.py:1294-1309); unregister is the message echoed with status
// 200 (:1196-1197), needs a channelID uuid.UUID reads (:1168-1176), and
// the channel's endpoint is then gone: 410 (web/webpush.py:166-172).
func TestAckHasNoReplyAndUnregisterIsEchoed(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	c.hello("")
	id := channel()
	endpoint := c.register(id, "")

	c.send(`{"messageType": "ack", "updates": [{"channelID": "` + id + `", "version": "v1", "code": 100}]}`)
	second := channel()
	c.send(`{"messageType": "register", "channelID": "` + second + `"}`)
	assert.Equal(t, second, c.recv()["channelID"], "the next message is the register reply, not an ack reply")

	c.send(`{"messageType": "unregister"}`)
	assert.Equal(t, map[string]any{"messageType": "unregister", "status": 401.0, "reason": "Missing ChannelID", "more_info": wsMoreInfo}, c.recv())
	c.send(`{"messageType": "unregister", "channelID": "c1"}`)
	assert.Equal(t, map[string]any{"messageType": "unregister", "status": 401.0, "reason": "Invalid ChannelID", "more_info": wsMoreInfo}, c.recv())

	c.send(`{"messageType": "unregister", "channelID": "` + id + `", "code": 201}`)
	assert.Equal(t, map[string]any{"messageType": "unregister", "channelID": id, "code": 201.0, "status": 200.0}, c.recv())
	resp := post(t, endpoint, map[string]string{"TTL": "60"}, nil)
	assert.Equal(t, http.StatusGone, resp.status)
	assert.EqualValues(t, 106, resp.body["errno"])
}

// wsMoreInfo is DEFAULT_WS_ERR (websocket.py:105-106).
const wsMoreInfo = "http://autopush.readthedocs.io/en/latest/api/websocket.html#private-http-endpoint"

// TestPingIsAnsweredOnceAMinute: "{}" is answered with "{}"; another
// within 55 s closes with 4774 (websocket.py:516-517, 1098-1116).
func TestPingIsAnsweredOnceAMinute(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	c := dial(t, s)
	c.hello("")
	c.send(`{}`)
	assert.Equal(t, "{}", c.recvRaw())
	c.send(`{}`)
	assert.Equal(t, websocket.StatusCode(4774), c.closed())
}

// TestANewConnectionReplacesTheOld: a hello with a uaid connected
// elsewhere closes the older connection (websocket.py:832-838).
func TestANewConnectionReplacesTheOld(t *testing.T) {
	s := pushstandin.Start()
	defer s.Close()
	old := dial(t, s)
	uaid := old.hello("")["uaid"].(string)
	dial(t, s).hello(`"uaid": "` + uaid + `"`)
	assert.Equal(t, noStatus, old.closed())
}
