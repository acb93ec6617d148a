package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// wiretap relays Firefox's push websockets to the stand-in frame by frame
// and keeps what passed: the server's view of the conversation, for
// assertions and failure messages.
type wiretap struct {
	*httptest.Server
	upstream string

	mu     sync.Mutex
	conns  int
	frames []frame
}

// frame is one message or close relayed on connection conn (1, 2, ...).
type frame struct {
	conn        int
	fromFirefox bool
	text        string         // the message as sent; "" for a close
	msg         map[string]any // text as a JSON object, if it is one
	close       bool
	status      websocket.StatusCode // a close's status; 1005 none, -1 no close frame
}

func (f frame) String() string {
	dir := "server  -> firefox"
	if f.fromFirefox {
		dir = "firefox -> server "
	}
	if f.close {
		return fmt.Sprintf("#%d %s close %d", f.conn, dir, f.status)
	}
	return fmt.Sprintf("#%d %s %.300s", f.conn, dir, strings.TrimSpace(f.text))
}

// is says whether f is a message of type messageType from the given side.
func (f frame) is(fromFirefox bool, messageType string) bool {
	return f.fromFirefox == fromFirefox && f.msg != nil && f.msg["messageType"] == messageType
}

func startWiretap(upstream string) *wiretap {
	w := &wiretap{upstream: upstream}
	w.Server = httptest.NewServer(http.HandlerFunc(w.relay))
	return w
}

// URL is the ws:// URL to give Firefox.
func (w *wiretap) URL() string { return "ws" + strings.TrimPrefix(w.Server.URL, "http") + "/" }

func (w *wiretap) relay(rw http.ResponseWriter, r *http.Request) {
	ctx := context.Background()
	server, resp, err := websocket.Dial(ctx, w.upstream, &websocket.DialOptions{Subprotocols: requestedProtocols(r)})
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadGateway)
		return
	}
	// Firefox gets the subprotocol the stand-in chose: none, as autobahn
	// chooses when onConnect returns None (websocket.py:454-470).
	var chosen []string
	if p := resp.Header.Get("Sec-WebSocket-Protocol"); p != "" {
		chosen = []string{p}
	}
	firefox, err := websocket.Accept(rw, r, &websocket.AcceptOptions{Subprotocols: chosen, InsecureSkipVerify: true})
	if err != nil {
		server.CloseNow()
		return
	}
	w.mu.Lock()
	w.conns++
	n := w.conns
	w.mu.Unlock()
	done := make(chan struct{})
	go func() { w.pump(n, false, server, firefox); close(done) }()
	w.pump(n, true, firefox, server)
	<-done
}

// pump copies messages until from closes, then closes to the same way (a
// close without status stays without, as autobahn's sendClose() sends).
func (w *wiretap) pump(n int, fromFirefox bool, from, to *websocket.Conn) {
	ctx := context.Background()
	for {
		typ, data, err := from.Read(ctx)
		if err != nil {
			status := websocket.CloseStatus(err)
			w.record(frame{conn: n, fromFirefox: fromFirefox, close: true, status: status})
			if status == -1 {
				to.CloseNow()
			} else {
				_ = to.Close(status, "")
			}
			return
		}
		f := frame{conn: n, fromFirefox: fromFirefox, text: string(data)}
		_ = json.Unmarshal(data, &f.msg)
		w.record(f)
		if err := to.Write(ctx, typ, data); err != nil {
			from.CloseNow()
			return
		}
	}
}

func (w *wiretap) record(f frame) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.frames = append(w.frames, f)
}

// snapshot is the frames relayed so far.
func (w *wiretap) snapshot() []frame {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]frame(nil), w.frames...)
}

// await polls until done holds for the frames so far, or within passes.
func (w *wiretap) await(within time.Duration, done func([]frame) bool) bool {
	deadline := time.Now().Add(within)
	for {
		if done(w.snapshot()) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// transcript is every frame relayed so far, one a line.
func (w *wiretap) transcript() string {
	var b strings.Builder
	for _, f := range w.snapshot() {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// requestedProtocols is the Sec-WebSocket-Protocol list Firefox asked for
// ("push-notification", PushServiceWebSocket.sys.mjs).
func requestedProtocols(r *http.Request) []string {
	var list []string
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				list = append(list, p)
			}
		}
	}
	return list
}
