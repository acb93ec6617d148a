package browsertest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/SherClockHolmes/webpush-go"

	"github.com/push-turnkey/push-turnkey/testing/pushstandin"
)

// harness is one run: the stand-in behind the wiretap, the site, Firefox
// on the site's page, and the application server's VAPID key.
type harness struct {
	t                         *testing.T
	push                      *pushstandin.Server
	tap                       *wiretap
	web                       *site
	ff                        *browser
	vapidPrivate, vapidPublic string
	endpointOrigin            string // http://host:port of the server's endpoints
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, push: pushstandin.Start()}
	t.Cleanup(h.push.Close)
	h.tap = startWiretap(h.push.PushServerURL())
	t.Cleanup(h.tap.Close)
	h.web = serveSite(t)
	var err error
	if h.vapidPrivate, h.vapidPublic, err = webpush.GenerateVAPIDKeys(); err != nil {
		t.Fatal(err)
	}
	// The stand-in serves its endpoints on its websocket's host and port.
	h.endpointOrigin = "http" + strings.TrimSuffix(strings.TrimPrefix(h.push.PushServerURL(), "ws"), "/")
	h.ff = startFirefox(t, h.web.URL+"/index.html?key="+url.QueryEscape(h.vapidPublic), pushPrefs(h.tap.URL()))
	return h
}

// fatalf fails the test with what the server saw and what Firefox logged.
func (h *harness) fatalf(format string, args ...any) {
	h.t.Helper()
	h.t.Fatalf("%s\n\n%s; subscribe attempts retried: %q\n\nthe push websocket as the server saw it:\n%s\nFirefox's push log:\n%s",
		fmt.Sprintf(format, args...), h.ff.version, h.web.failedAttempts(), h.tap.transcript(), h.ff.pushLog())
}

// await waits for done, failing on the page's error or after within.
func (h *harness) await(what string, within time.Duration, done <-chan struct{}) {
	h.t.Helper()
	select {
	case <-done:
	case e := <-h.web.errors:
		h.fatalf("waiting for %s, the page failed: %s", what, e)
	case <-time.After(within):
		h.fatalf("%s: nothing within %v", what, within)
	}
}

// subscribe lets the page subscribe once Firefox's push client has had a
// hello reply, and returns the subscription the page posted.
func (h *harness) subscribe() webpush.Subscription {
	h.t.Helper()
	if !h.tap.await(30*time.Second, helloAnswered) {
		h.fatalf("Firefox's push client had no hello reply within 30 s")
	}
	close(h.web.ready)
	var sub webpush.Subscription
	// 40 s: one register timed out (10 s) and a reconnect (5 s backoff).
	h.await("the page's subscription", 40*time.Second, recv(h.web.subscriptions, &sub))
	if attempts := h.web.failedAttempts(); len(attempts) > 0 {
		h.t.Logf("subscribed after retrying: %q", attempts)
	}
	return sub
}

// deliver sends text to sub as the README tells an application server
// to (webpush-go, as ops/smoke: aes128gcm, VAPID, a TTL) and waits for
// the service worker to report it.
func (h *harness) deliver(sub webpush.Subscription, text string) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := webpush.SendNotificationWithContext(ctx, []byte(text), &sub,
		&webpush.Options{Subscriber: "browsertest@push-turnkey.invalid", TTL: 60,
			VAPIDPublicKey: h.vapidPublic, VAPIDPrivateKey: h.vapidPrivate})
	if err != nil {
		h.fatalf("send: %v", err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		h.fatalf("the endpoint answered %s: %s", resp.Status, body)
	}
	var got string
	h.await("the service worker's report of the push", 20*time.Second, recv(h.web.pushed, &got))
	if got != text {
		h.fatalf("the service worker read %q; the application server sent %q", got, text)
	}
}

// recv stores c's next value in *into, then closes the channel it returns.
func recv[T any](c <-chan T, into *T) <-chan struct{} {
	done := make(chan struct{})
	go func() { *into = <-c; close(done) }()
	return done
}

// helloAnswered says whether the server has answered a hello with 200.
func helloAnswered(fs []frame) bool {
	for _, f := range fs {
		if f.is(false, "hello") && f.msg["status"] == float64(200) {
			return true
		}
	}
	return false
}

// helloOn is Firefox's hello and the server's reply on connection conn.
func helloOn(fs []frame, conn int) (asked, reply map[string]any) {
	for _, f := range fs {
		switch {
		case f.conn != conn:
		case f.is(true, "hello") && asked == nil:
			asked = f.msg
		case f.is(false, "hello") && reply == nil:
			reply = f.msg
		}
	}
	return asked, reply
}

// registeredOn is the connection whose register reply gave endpoint; 0
// when none did.
func registeredOn(fs []frame, endpoint string) int {
	for _, f := range fs {
		if f.is(false, "register") && f.msg["pushEndpoint"] == endpoint {
			return f.conn
		}
	}
	return 0
}

// closedOnBroadcastSubscribe is the connection on which Firefox sent
// broadcast_subscribe and the server's next frame was a close; 0 when none.
func closedOnBroadcastSubscribe(fs []frame) int {
	for i, f := range fs {
		if !f.is(true, "broadcast_subscribe") {
			continue
		}
		for _, next := range fs[i+1:] {
			if next.conn == f.conn && !next.fromFirefox {
				if next.close {
					return f.conn
				}
				break
			}
		}
	}
	return 0
}
