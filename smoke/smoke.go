// Package smoke proves a deployed push service end to end, as a browser
// and an application server use it: a websocket to the push server, the
// push protocol's hello and register (autopush documentation, "WebPush
// protocol"), a message encrypted for the subscription (RFC 8291) and
// signed with a fresh VAPID key (RFC 8292) sent to the endpoint it got
// (RFC 8030), the notification read back and decrypted, acknowledged, and
// the channel unregistered. Each step is timed; a failure names its step.
package smoke

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/SherClockHolmes/webpush-go"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/push-turnkey/push-turnkey/pushreceiver"
)

// Steps are the steps of Run, in order.
var Steps = []string{"connect", "hello", "register", "send", "receive", "decrypt", "ack", "unregister"}

// Options say where and how long.
type Options struct {
	// PushServerURL is the stack output pushServerUrl, ws:// or wss://.
	PushServerURL string
	// StepTimeout bounds each step (default 30 s).
	StepTimeout time.Duration
	// Out gets one line per step: its name and latency, or its error.
	Out io.Writer
	// HTTPClient sends the WebPush request (default http.DefaultClient).
	HTTPClient *http.Client
}

// StepError is a failed step.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return "smoke: step " + e.Step + ": " + e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// message is the push protocol's JSON message, the fields the smoke uses.
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
	Updates      []update          `json:"updates,omitempty"`
}

type update struct {
	ChannelID string `json:"channelID"`
	Version   string `json:"version"`
	Code      int    `json:"code"`
}

// Run walks Steps against o.PushServerURL. It returns a *StepError for the
// first step that fails.
func Run(ctx context.Context, o Options) error {
	if o.StepTimeout == 0 {
		o.StepTimeout = 30 * time.Second
	}
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	step := func(name string, fn func(ctx context.Context) error) error {
		sctx, cancel := context.WithTimeout(ctx, o.StepTimeout)
		defer cancel()
		start := time.Now()
		if err := fn(sctx); err != nil {
			fmt.Fprintf(o.Out, "FAIL %-10s %v\n", name, err)
			return &StepError{Step: name, Err: err}
		}
		fmt.Fprintf(o.Out, "ok   %-10s %6d ms\n", name, time.Since(start).Milliseconds())
		return nil
	}

	receiver, err := pushreceiver.New()
	if err != nil {
		return &StepError{Step: "connect", Err: err}
	}
	vapidPrivate, vapidPublic, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return &StepError{Step: "connect", Err: err}
	}
	channelID := uuid4()
	plaintext := "push-turnkey smoke " + uuid4()

	var conn *websocket.Conn
	var endpoint string
	var got message
	defer func() {
		if conn != nil {
			conn.CloseNow()
		}
	}()
	// exchange writes m and reads the server's reply of type want.
	exchange := func(ctx context.Context, m message, want string) (message, error) {
		if err := wsjson.Write(ctx, conn, m); err != nil {
			return message{}, err
		}
		var reply message
		if err := wsjson.Read(ctx, conn, &reply); err != nil {
			return message{}, fmt.Errorf("no %s reply: %w", want, err)
		}
		if reply.MessageType != want || reply.Status != 200 {
			return reply, fmt.Errorf("want a %s reply with status 200, got %q with status %d", want, reply.MessageType, reply.Status)
		}
		return reply, nil
	}
	for _, s := range []struct {
		name string
		fn   func(ctx context.Context) error
	}{
		{"connect", func(ctx context.Context) (err error) {
			conn, _, err = websocket.Dial(ctx, o.PushServerURL, nil)
			return err
		}},
		{"hello", func(ctx context.Context) error {
			reply, err := exchange(ctx, message{MessageType: "hello", UseWebPush: true}, "hello")
			if err == nil && reply.UAID == "" {
				err = fmt.Errorf("the hello reply has no uaid")
			}
			return err
		}},
		{"register", func(ctx context.Context) error {
			reply, err := exchange(ctx, message{MessageType: "register", ChannelID: channelID, Key: vapidPublic}, "register")
			if err == nil && reply.PushEndpoint == "" {
				err = fmt.Errorf("the register reply has no pushEndpoint")
			}
			endpoint = reply.PushEndpoint
			return err
		}},
		{"send", func(ctx context.Context) error {
			resp, err := webpush.SendNotificationWithContext(ctx, []byte(plaintext),
				&webpush.Subscription{Endpoint: endpoint, Keys: webpush.Keys{P256dh: receiver.P256dh(), Auth: receiver.Auth()}},
				&webpush.Options{HTTPClient: o.HTTPClient, Subscriber: "smoke@push-turnkey.invalid", TTL: 60,
					VAPIDPublicKey: vapidPublic, VAPIDPrivateKey: vapidPrivate})
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusAccepted {
				body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
				return fmt.Errorf("the endpoint answered %s: %s", resp.Status, body)
			}
			return nil
		}},
		{"receive", func(ctx context.Context) error {
			if err := wsjson.Read(ctx, conn, &got); err != nil {
				return fmt.Errorf("no notification: %w", err)
			}
			if got.MessageType != "notification" || got.ChannelID != channelID {
				return fmt.Errorf("want a notification for channel %s, got %q for %q", channelID, got.MessageType, got.ChannelID)
			}
			return nil
		}},
		{"decrypt", func(context.Context) error {
			body, err := base64.RawURLEncoding.DecodeString(got.Data)
			if err != nil {
				return fmt.Errorf("notification data is not base64url: %w", err)
			}
			plain, err := receiver.Decrypt(body)
			if err != nil {
				return err
			}
			if string(plain) != plaintext {
				return fmt.Errorf("decrypted %q, sent %q", plain, plaintext)
			}
			return nil
		}},
		{"ack", func(ctx context.Context) error {
			return wsjson.Write(ctx, conn, message{MessageType: "ack", Updates: []update{{ChannelID: channelID, Version: got.Version, Code: 100}}})
		}},
		{"unregister", func(ctx context.Context) error {
			_, err := exchange(ctx, message{MessageType: "unregister", ChannelID: channelID}, "unregister")
			return err
		}},
	} {
		if err := step(s.name, s.fn); err != nil {
			return err
		}
	}
	conn.Close(websocket.StatusNormalClosure, "")
	return nil
}

// uuid4 is a random UUID, the form channel IDs take.
func uuid4() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
