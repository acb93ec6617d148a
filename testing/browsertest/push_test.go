package browsertest

import (
	"strings"
	"testing"
	"time"
)

// TestFirefoxReceivesPush: Firefox subscribes through the Push API with
// the application server's VAPID key, the application server sends to
// the subscription, and the service worker reads the text it sent.
func TestFirefoxReceivesPush(t *testing.T) {
	t.Parallel()
	start := time.Now()
	h := newHarness(t)
	sub := h.subscribe()
	// With applicationServerKey Firefox registers with a key, and the
	// server hands out a v2 endpoint bound to it (config.py:375-384).
	if !strings.HasPrefix(sub.Endpoint, h.endpointOrigin+"/wpush/v2/") {
		h.fatalf("the subscription's endpoint %q is not a v2 endpoint of the server", sub.Endpoint)
	}
	h.deliver(sub, "push-turnkey browser test "+time.Now().Format(time.RFC3339Nano))
	t.Logf("%s: subscribed and delivered in %v", h.ff.version, time.Since(start).Round(time.Millisecond))
}

// TestFirefoxSubscriptionOutlivesBroadcastSubscribeClose: about 20 s
// after its first start on a profile, Firefox subscribes remote settings
// to a broadcast (browser's BrowserGlue: RemoteSettings.init runs once
// the user has been idle LATE_TASKS_IDLE_TIME_SEC = 20 s), a message
// autopush 1.58.4 answers by closing the connection (websocket.py:533-534).
// Firefox reconnects with its uaid, the server keeps it, and the
// subscription made before still receives.
func TestFirefoxSubscriptionOutlivesBroadcastSubscribeClose(t *testing.T) {
	t.Parallel()
	start := time.Now()
	h := newHarness(t)
	sub := h.subscribe()

	var closed, reconnected int
	h.tap.await(60*time.Second, func(fs []frame) bool {
		closed = closedOnBroadcastSubscribe(fs)
		for _, f := range fs {
			if closed != 0 && f.conn > closed && f.is(false, "hello") {
				reconnected = f.conn
				return true
			}
		}
		return false
	})
	switch {
	case closed == 0:
		h.fatalf("the server did not close a connection on Firefox's broadcast_subscribe within 60 s")
	case reconnected == 0:
		h.fatalf("Firefox did not reconnect within 60 s of the server's close on broadcast_subscribe")
	}
	fs := h.tap.snapshot()
	subscribedOn := registeredOn(fs, sub.Endpoint)
	if subscribedOn == 0 || subscribedOn > closed {
		h.fatalf("the subscription (connection #%d) was not made before the close (#%d); nothing to outlive it", subscribedOn, closed)
	}
	_, before := helloOn(fs, subscribedOn)
	asked, reply := helloOn(fs, reconnected)
	if asked["uaid"] != before["uaid"] || reply["uaid"] != before["uaid"] {
		h.fatalf("after the close Firefox asked for uaid %v and got %v; its subscription is under %v", asked["uaid"], reply["uaid"], before["uaid"])
	}
	t.Logf("broadcast_subscribe closed #%d; Firefox reconnected as #%d after %v", closed, reconnected, time.Since(start).Round(time.Second))
	h.deliver(sub, "after the reconnect "+time.Now().Format(time.RFC3339Nano))
	t.Logf("%s: delivered after the reconnect in %v", h.ff.version, time.Since(start).Round(time.Millisecond))
}
