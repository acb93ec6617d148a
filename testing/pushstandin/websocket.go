package pushstandin

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/push-turnkey/push-turnkey/services/pushlog/pybase64"
)

// The websocket protocol as websocket.py (PushServerProtocol) serves it;
// line numbers are of tag 1.58.4.

// wsErrorURL is the more_info of every error reply (websocket.py:105).
const wsErrorURL = "http://autopush.readthedocs.io/en/latest/api/websocket.html#private-http-endpoint"

// helloPing is the hello reply's "ping": the stack runs connection nodes
// with --auto_ping_interval 240 (components/service.go), a float
// (main_argparse.py:232), sent when not 0 (websocket.py:861-862).
var helloPing = json.Number("240.0")

// client is one websocket connection.
type client struct {
	s        *Server
	conn     *websocket.Conn
	uaid     string    // set by hello
	lastPing time.Time // last "{}" answered
}

func (s *Server) websocket(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	c := &client{s: s, conn: conn}
	defer func() { s.detach(c.uaid, conn) }()
	ctx := r.Context()
	for {
		typ, payload, err := conn.Read(ctx)
		if err != nil {
			return
		}
		// A binary frame, or text that is not a UTF-8 JSON object,
		// closes (websocket.py:496-509).
		data, ok := jsonObject(payload)
		if typ != websocket.MessageText || !ok {
			c.close()
			return
		}
		if !c.handle(ctx, data) {
			return
		}
	}
}

// handle answers one message (websocket.py:511-535); false once the
// connection is closed.
func (c *client) handle(ctx context.Context, data map[string]any) bool {
	if c.uaid == "" {
		return c.hello(ctx, data)
	}
	if len(data) == 0 {
		return c.ping(ctx)
	}
	switch data["messageType"] {
	case "hello":
		c.send(ctx, errorReply("hello", "duplicate hello", 401)) // :707-708
		return c.close()
	case "register":
		return c.register(ctx, data)
	case "unregister":
		return c.unregister(ctx, data)
	case "ack":
		c.s.ack(c.uaid, data["updates"])
		return true
	case "nack":
		return true // only logged (:1311-1324)
	default:
		return c.close() // an unknown type closes, with no reply (:533-534)
	}
}

// hello is process_hello (websocket.py:700-722) and finish_hello
// (:855-868): the reply, then what was stored for the uaid.
func (c *client) hello(ctx context.Context, data map[string]any) bool {
	if data["messageType"] != "hello" {
		return c.close() // :703-705
	}
	if !truthy(data["use_webpush"]) {
		c.send(ctx, errorReply("hello", "Simplepush not supported", 401)) // :710-711
		return c.close()
	}
	asked, isString := data["uaid"].(string)
	if !isString && truthy(data["uaid"]) {
		// uuid.UUID(5) raises AttributeError in validate_uaid: no
		// reply, and the next message is taken as a hello again.
		return true
	}
	c.uaid = c.s.signIn(asked)
	reply := map[string]any{"messageType": "hello", "uaid": c.uaid, "status": 200,
		"use_webpush": true, "ping": helloPing, "env": "development"} // env: --env's default (main_argparse.py:71-73)
	stored, old, err := c.s.attach(c.uaid, c.conn, func() error { return wsjson.Write(ctx, c.conn, reply) })
	if old != nil {
		go old.Close(websocket.StatusNoStatusRcvd, "") // the newer connection wins (:832-838)
	}
	if err != nil {
		return false
	}
	for _, frame := range stored {
		if !c.send(ctx, frame) {
			return false
		}
	}
	return true
}

// ping answers "{}" with "{}" at most once in 55 s; a client that pings
// more often is closed with 4774 (websocket.py:1098-1116).
func (c *client) ping(ctx context.Context) bool {
	if time.Since(c.lastPing) < 55*time.Second {
		_ = c.conn.Close(4774, "")
		return false
	}
	c.lastPing = time.Now()
	return c.conn.Write(ctx, websocket.MessageText, []byte("{}")) == nil
}

// register is process_register (websocket.py:1118-1166): channelID must be
// a lower-case dashed UUID; a key makes a v2 endpoint bound to it.
func (c *client) register(ctx context.Context, data map[string]any) bool {
	raw, present := data["channelID"]
	if !present {
		return c.send(ctx, badMessage("register", ""))
	}
	chid, isString := raw.(string)
	if !isString {
		if raw == nil { // uuid.UUID(None): TypeError
			return c.send(ctx, badMessage("register", "Invalid UUID specified"))
		}
		return true // uuid.UUID(5): AttributeError escapes, no reply
	}
	switch canonical, ok := parseUUID(chid); {
	case !ok:
		return c.send(ctx, badMessage("register", "Invalid UUID specified"))
	case canonical != chid:
		// The missing space is the server's ("use" "lower").
		return c.send(ctx, badMessage("register", "Bad UUID format, uselower case, dashed format"))
	}
	var keyHash []byte
	if key, ok := data["key"]; ok && key != nil {
		// make_endpoint: sha256 of base64url_decode(key) (config.py:382-384);
		// any failure there is a 500 (error_register, :1138-1144).
		text, isString := key.(string)
		decoded, err := pybase64.URLSafeDecode(pybase64.Repad(text))
		if !isString || err != nil {
			return c.send(ctx, map[string]any{"messageType": "register", "status": 500, "reason": "An unexpected server error occurred"})
		}
		h := sha256.Sum256(decoded)
		keyHash = h[:]
	}
	endpoint := c.s.register(c.uaid, chid, keyHash)
	return c.send(ctx, map[string]any{"messageType": "register", "channelID": chid, "pushEndpoint": endpoint, "status": 200})
}

// unregister is process_unregister (websocket.py:1168-1197): any form
// uuid.UUID reads, and the message echoed with status 200.
func (c *client) unregister(ctx context.Context, data map[string]any) bool {
	raw, present := data["channelID"]
	if !present {
		return c.send(ctx, badMessage("unregister", "Missing ChannelID"))
	}
	chid, isString := raw.(string)
	if !isString {
		return true // TypeError or AttributeError escapes: no reply
	}
	canonical, ok := parseUUID(chid)
	if !ok {
		return c.send(ctx, badMessage("unregister", "Invalid ChannelID"))
	}
	c.s.unregister(c.uaid, c.conn, chid, canonical)
	data["status"] = 200
	return c.send(ctx, data)
}

// send writes one JSON message; false when the connection is gone.
func (c *client) send(ctx context.Context, v any) bool { return wsjson.Write(ctx, c.conn, v) == nil }

// close is the server's sendClose(): a close frame without a status code.
func (c *client) close() bool {
	_ = c.conn.Close(websocket.StatusNoStatusRcvd, "")
	return false
}

// errorReply is returnError's message (websocket.py:646-656); the caller
// then closes.
func errorReply(messageType, reason string, status int) map[string]any {
	return map[string]any{"messageType": messageType, "reason": reason, "status": status, "more_info": wsErrorURL}
}

// badMessage is bad_message's 401 (websocket.py:1351-1356), reason only
// when given; the connection stays open.
func badMessage(messageType, reason string) map[string]any {
	m := map[string]any{"messageType": messageType, "status": 401, "more_info": wsErrorURL}
	if reason != "" {
		m["reason"] = reason
	}
	return m
}
