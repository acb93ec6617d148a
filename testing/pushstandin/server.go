// Package pushstandin is a stand-in push service for tests: the websocket
// protocol a browser speaks with autopush and the WebPush endpoint an
// application server posts to, as autopush 1.58.4 serves them (tag 1.58.4,
// commit c8de6797; reference: autopush.md, "The push protocol as 1.58.4
// serves it"). It refuses what that server refuses and takes what it
// takes, each rule citing the server's source, so a client that passes
// here passes there. It can be told to lose messages.
package pushstandin

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Server is a running stand-in. Build it with Start.
type Server struct {
	// DropNotifications accepts messages (201) and never delivers or
	// stores them.
	DropNotifications bool
	// OnDelivery, when set, is called for each message the endpoint
	// accepts (201, delivered or stored) with what the server's log
	// record of it holds: the VAPID key text the token was verified with
	// (k of "vapid t=…, k=…", else the Crypto-Key header's p256ecdsa; ""
	// without an Authorization header), the message's version (autopush's
	// message_id) and its size, the length of the body in unpadded
	// base64url (message_size = data_length, web/webpush.py:533,
	// utils.py:457). It runs on the request's goroutine.
	OnDelivery func(vapidKey, version string, size int)

	http   *httptest.Server
	mu     sync.Mutex
	users  map[string]*user       // uaid -> the router table's record
	tokens map[string]endpointKey // endpoint token -> what it encodes
	acked  []string               // versions the clients acknowledged
}

// user is what the server keeps of a uaid: its channels, its connection
// and the messages it has not acknowledged.
type user struct {
	conn     *websocket.Conn // nil while offline
	channels map[string]bool // lower-case dashed channel IDs
	pending  []pending
}

// endpointKey is what an endpoint token encodes (config.py:362-384):
// uaid, channel ID and, for a v2 endpoint, the sha256 of the register
// message's key.
type endpointKey struct {
	uaid, channelID string
	keyHash         []byte // nil for v1
}

// pending is a message stored for a client, or sent on a connection
// and not acknowledged yet. The server stores what a closing connection
// leaves unacknowledged (websocket.py:583-589) and skips what has expired
// when it delivers stored messages (websocket.py:1004).
type pending struct {
	frame   map[string]any  // the notification as the client gets it
	expires time.Time       // timestamp + (TTL or 0) (utils.py:461-469)
	via     *websocket.Conn // the connection it went out on; nil once stored
}

// Start runs a stand-in on a local port until the caller closes it.
func Start() *Server {
	s := &Server{users: map[string]*user{}, tokens: map[string]endpointKey{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", s.websocket)
	// /wpush/(?:(?P<api_ver>v\d+)\/)?(?P<token>[^\/]+) (http.py:140).
	mux.HandleFunc("POST /wpush/{ver}/{token}", s.push)
	mux.HandleFunc("POST /wpush/{token}", s.push)
	s.http = httptest.NewServer(mux)
	return s
}

// PushServerURL is the websocket URL clients connect to, "ws://host:port/".
func (s *Server) PushServerURL() string { return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/" }

// endpointURL is the server's endpoint_url, "http://host:port": the
// origin of every endpoint and the only aud a VAPID token may carry
// (canonical_url, utils.py:75-80, leaves out port 80 and 443 only).
func (s *Server) endpointURL() string { return s.http.URL }

// Acked is the versions clients have acknowledged.
func (s *Server) Acked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acked...)
}

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// newUAID is uuid.uuid4().hex (websocket.py:741, utils.py:105).
func newUAID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return hex.EncodeToString(b)
}

// token is a fresh opaque identifier: an endpoint token or a version (the
// server's are Fernet tokens; clients must not read them).
func token() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// signIn returns the uaid a hello asked for when the server has its
// record, and otherwise a new one with a fresh record (validate_uaid,
// utils.py:95-105; _register_user and _verify_user_record,
// websocket.py:728-766). Records exist only under uuid4().hex, so any
// other form of a known uaid (dashed, upper-case) is replaced, as
// validate_uaid's uuid.UUID(x).hex == x demands.
func (s *Server) signIn(asked string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[asked] != nil {
		return asked
	}
	uaid := newUAID()
	s.users[uaid] = &user{channels: map[string]bool{}}
	return uaid
}

// attach makes conn the uaid's connection and sends the hello reply
// meanwhile, so nothing comes before it, as the server does in one step
// (websocket.py:855-868). It returns the stored messages that have not
// expired, to send next, and the connection conn replaces, if any.
func (s *Server) attach(uaid string, conn *websocket.Conn, reply func() error) (stored []map[string]any, old *websocket.Conn, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[uaid]
	old, u.conn = u.conn, conn
	if err := reply(); err != nil {
		return nil, old, err
	}
	now := time.Now()
	kept := u.pending[:0]
	for _, p := range u.pending {
		switch {
		case p.via == nil && !now.Before(p.expires):
			continue // expired: dropped (websocket.py:1004-1012)
		case p.via == nil:
			stored = append(stored, p.frame)
		}
		kept = append(kept, p)
	}
	u.pending = kept
	return stored, old, nil
}

// detach ends conn's session: what it left unacknowledged is stored.
func (s *Server) detach(uaid string, conn *websocket.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[uaid]
	if u == nil {
		return
	}
	if u.conn == conn {
		u.conn = nil
	}
	for i := range u.pending {
		if u.pending[i].via == conn {
			u.pending[i].via = nil
		}
	}
}

// register records a channel and returns its endpoint,
// <endpoint_url>/wpush/v1/<token>, or v2 with a key (config.py:375-384).
func (s *Server) register(uaid, channelID string, keyHash []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[uaid].channels[channelID] = true
	t := token()
	s.tokens[t] = endpointKey{uaid, channelID, keyHash}
	if keyHash != nil {
		return s.endpointURL() + "/wpush/v2/" + t
	}
	return s.endpointURL() + "/wpush/v1/" + t
}

// unregister drops a channel (canonical form, db.py:524-527) and what
// conn was sent for it and not acknowledged (asked as the client wrote
// it, websocket.py:1188-1189); stored messages stay.
func (s *Server) unregister(uaid string, conn *websocket.Conn, asked, channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[uaid]
	delete(u.channels, channelID)
	kept := u.pending[:0]
	for _, p := range u.pending {
		if p.via != conn || p.frame["channelID"] != asked {
			kept = append(kept, p)
		}
	}
	u.pending = kept
}

// ack takes an ack's updates (websocket.py:1294-1309, 1199-1216): a
// list of {"channelID", "version"}; each message acknowledged is
// forgotten. An entry that is not an object stops the rest, as the
// server's AttributeError does.
func (s *Server) ack(uaid string, updates any) {
	list, _ := updates.([]any)
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[uaid]
	for _, entry := range list {
		update, isObject := entry.(map[string]any)
		if !isObject {
			if truthy(entry) {
				return
			}
			continue
		}
		version, _ := update["version"].(string)
		if !truthy(update["channelID"]) || version == "" {
			continue
		}
		s.acked = append(s.acked, version)
		kept := u.pending[:0]
		for _, p := range u.pending {
			if p.frame["channelID"] != update["channelID"] || p.frame["version"] != version {
				kept = append(kept, p)
			}
		}
		u.pending = kept
	}
}
