// Package pushstandin is a stand-in push service for tests: the websocket
// protocol a browser speaks with autopush and the WebPush endpoint an
// application server posts to, as the push service's public documentation
// states them (autopush documentation, "WebPush protocol" of the
// connection node: hello, register, notification, ack, unregister; RFC
// 8030 for the endpoint, RFC 8292 for VAPID). It checks what a real push
// service would refuse, and can be told to lose messages.
package pushstandin

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/golang-jwt/jwt/v5"
)

// Server is a running stand-in. Build it with Start.
type Server struct {
	// DropNotifications accepts messages (201) and never delivers them.
	DropNotifications bool
	// OnDelivery, when set, is called for each message handed to a
	// connected client, with the sender's VAPID key as its Authorization
	// carries it, the notification's version (autopush's message_id) and
	// the body's length: what a delivery log record holds.
	OnDelivery func(vapidKey, version string, size int)

	http     *httptest.Server
	mu       sync.Mutex
	sockets  map[string]*websocket.Conn // uaid -> client
	channels map[string]channel         // endpoint token -> subscription
	acked    []string                   // versions the clients acknowledged
}

type channel struct{ uaid, channelID string }

// Start runs a stand-in on a local port until the caller closes it.
func Start() *Server {
	s := &Server{sockets: map[string]*websocket.Conn{}, channels: map[string]channel{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", s.websocket)
	mux.HandleFunc("POST /wpush/v1/{token}", s.push)
	s.http = httptest.NewServer(mux)
	return s
}

// PushServerURL is the websocket URL clients connect to, "ws://host:port/".
func (s *Server) PushServerURL() string { return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/" }

// Acked is the versions clients have acknowledged.
func (s *Server) Acked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acked...)
}

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// message is any message of the websocket protocol.
type message struct {
	MessageType  string            `json:"messageType"`
	UAID         string            `json:"uaid,omitempty"`
	UseWebPush   bool              `json:"use_webpush,omitempty"`
	ChannelID    string            `json:"channelID,omitempty"`
	Key          string            `json:"key,omitempty"`
	Status       int               `json:"status,omitempty"`
	PushEndpoint string            `json:"pushEndpoint,omitempty"`
	Version      string            `json:"version,omitempty"`
	Data         string            `json:"data,omitempty"`
	Headers      map[string]string `json:"headers,omitempty"`
	Updates      []struct {
		ChannelID string `json:"channelID"`
		Version   string `json:"version"`
		Code      int    `json:"code"`
	} `json:"updates,omitempty"`
}

func token() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) websocket(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	ctx := r.Context()
	var uaid string
	for {
		var m message
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			return
		}
		var reply *message
		switch {
		case m.MessageType == "hello" && uaid == "":
			uaid = m.UAID
			if uaid == "" {
				uaid = token()
			}
			s.mu.Lock()
			s.sockets[uaid] = conn
			s.mu.Unlock()
			defer func() { s.mu.Lock(); delete(s.sockets, uaid); s.mu.Unlock() }()
			reply = &message{MessageType: "hello", UAID: uaid, Status: 200, UseWebPush: true}
		case uaid == "":
			// Every other message needs a hello first.
			_ = conn.Close(websocket.StatusPolicyViolation, "hello first")
			return
		case m.MessageType == "register" && m.ChannelID != "":
			t := token()
			s.mu.Lock()
			s.channels[t] = channel{uaid, m.ChannelID}
			s.mu.Unlock()
			endpoint := s.http.URL + "/wpush/v1/" + t
			reply = &message{MessageType: "register", ChannelID: m.ChannelID, Status: 200, PushEndpoint: endpoint}
		case m.MessageType == "unregister":
			s.mu.Lock()
			for t, c := range s.channels {
				if c.uaid == uaid && c.channelID == m.ChannelID {
					delete(s.channels, t)
				}
			}
			s.mu.Unlock()
			reply = &message{MessageType: "unregister", ChannelID: m.ChannelID, Status: 200}
		case m.MessageType == "ack":
			s.mu.Lock()
			for _, u := range m.Updates {
				s.acked = append(s.acked, u.Version)
			}
			s.mu.Unlock()
		default:
			reply = &message{MessageType: m.MessageType, Status: 401}
		}
		if reply != nil {
			if err := wsjson.Write(ctx, conn, reply); err != nil {
				return
			}
		}
	}
}

// push takes a WebPush message: a TTL header (RFC 8030 section 5.2), an
// aes128gcm body (RFC 8291) and a VAPID Authorization whose token the key
// signs for this origin (RFC 8292); 201 Created on success.
func (s *Server) push(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ch, ok := s.channels[r.PathValue("token")]
	s.mu.Unlock()
	switch {
	case !ok:
		http.Error(w, "no such subscription", http.StatusGone)
		return
	case r.Header.Get("TTL") == "":
		http.Error(w, "missing TTL header", http.StatusBadRequest)
		return
	case r.Header.Get("Content-Encoding") != "aes128gcm":
		http.Error(w, "Content-Encoding must be aes128gcm", http.StatusBadRequest)
		return
	}
	vapidKey, err := checkVAPID(r.Header.Get("Authorization"), "http://"+r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4097))
	if err != nil || len(body) > 4096 {
		http.Error(w, "body over 4096 bytes", http.StatusRequestEntityTooLarge)
		return
	}
	w.WriteHeader(http.StatusCreated)
	if s.DropNotifications {
		return
	}
	s.mu.Lock()
	conn := s.sockets[ch.uaid]
	s.mu.Unlock()
	if conn == nil {
		return
	}
	version := token()
	if err := wsjson.Write(r.Context(), conn, message{MessageType: "notification", ChannelID: ch.channelID, Version: version,
		Data: base64.RawURLEncoding.EncodeToString(body), Headers: map[string]string{"encoding": "aes128gcm"}}); err == nil && s.OnDelivery != nil {
		s.OnDelivery(vapidKey, version, len(body))
	}
}

// checkVAPID verifies "vapid t=<JWT>, k=<key>": the JWT is ES256, signed
// by k, for audience aud, not expired, with a sub (RFC 8292 section 2).
// It returns k as written.
func checkVAPID(header, aud string) (string, error) {
	fields := map[string]string{}
	rest, ok := strings.CutPrefix(header, "vapid ")
	if !ok {
		return "", errors.New("authorization is not vapid")
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	raw, err := base64.RawURLEncoding.DecodeString(fields["k"])
	if err != nil {
		return "", fmt.Errorf("vapid k: %w", err)
	}
	key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return "", fmt.Errorf("vapid k is not an uncompressed P-256 point: %w", err)
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(fields["t"], claims, func(*jwt.Token) (interface{}, error) { return key, nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithAudience(aud), jwt.WithExpirationRequired()); err != nil {
		return "", fmt.Errorf("vapid t: %w", err)
	}
	if sub, _ := claims["sub"].(string); sub == "" {
		return "", errors.New("vapid t has no sub")
	}
	return fields["k"], nil
}
