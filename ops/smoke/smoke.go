// Package smoke proves a deployed push service end to end, as a browser
// and an application server use it: a websocket to the push server, the
// push protocol's hello and register (autopush documentation, "WebPush
// protocol"), a message encrypted for the subscription (RFC 8291) and
// signed with a fresh VAPID key (RFC 8292) sent to the endpoint it got
// (RFC 8030), the notification read back and decrypted, acknowledged, and
// the channel unregistered. Each step is timed; a failure names its step.
package smoke

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/SherClockHolmes/webpush-go"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/push-turnkey/push-turnkey/ops/pushreceiver"
	"github.com/push-turnkey/push-turnkey/services/vapid"
)

// Steps are the steps of Run, in order; with a Messages API, APISteps
// come around them: the key registered before the send, the message
// looked for and the key removed after.
var (
	Steps    = []string{"connect", "hello", "register", "send", "receive", "decrypt", "ack", "unregister"}
	APISteps = []string{"register-key", "find-message", "delete-key"}
)

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
	// MessagesAPIURL, when set, is the processor tier's Messages API
	// (stack output messagesApiUrl, reachable from the stack's VPC): the
	// VAPID key is registered there first, and the message must appear
	// in GET /messages/{key} within MessagesTimeout (default 5 minutes:
	// Firehose buffers up to 60 s, then the processor runs).
	MessagesAPIURL  string
	MessagesTimeout time.Duration
	// PollInterval is how often find-message asks (default 5 s).
	PollInterval time.Duration
}

// StepError is a failed step.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return "step " + e.Step + ": " + e.Err.Error() }
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
	s, err := newSession(o.withDefaults())
	if err != nil {
		return &StepError{Step: "connect", Err: err}
	}
	defer s.close()
	for _, st := range s.steps() {
		if err := s.run(ctx, st); err != nil {
			return err
		}
	}
	s.conn.Close(websocket.StatusNormalClosure, "")
	return nil
}

// withDefaults fills in what o leaves out.
func (o Options) withDefaults() Options {
	if o.StepTimeout == 0 {
		o.StepTimeout = 30 * time.Second
	}
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.MessagesTimeout == 0 {
		o.MessagesTimeout = 5 * time.Minute
	}
	if o.PollInterval == 0 {
		o.PollInterval = 5 * time.Second
	}
	return o
}

// session is one run: the subscriber, the application server's VAPID key,
// and what each step hands the next.
type session struct {
	o                         Options
	api                       string // the Messages API, no trailing slash; "" without
	receiver                  *pushreceiver.Receiver
	vapidPrivate, vapidPublic string
	channelID, plaintext      string

	conn     *websocket.Conn
	endpoint string  // from register
	got      message // the notification received
}

func newSession(o Options) (*session, error) {
	receiver, err := pushreceiver.New()
	if err != nil {
		return nil, err
	}
	private, public, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return nil, err
	}
	return &session{o: o, api: strings.TrimSuffix(o.MessagesAPIURL, "/"), receiver: receiver,
		vapidPrivate: private, vapidPublic: public, channelID: uuid4(), plaintext: "push-turnkey smoke " + uuid4()}, nil
}

func (s *session) close() {
	if s.conn != nil {
		s.conn.CloseNow()
	}
}

// namedStep is one step of Steps or APISteps.
type namedStep struct {
	name string
	fn   func(ctx context.Context) error
}

// steps are Steps, within APISteps when there is a Messages API.
func (s *session) steps() []namedStep {
	steps := []namedStep{
		{"connect", s.connect}, {"hello", s.hello}, {"register", s.register}, {"send", s.send},
		{"receive", s.receive}, {"decrypt", s.decrypt}, {"ack", s.ack}, {"unregister", s.unregister},
	}
	if s.api != "" {
		steps = append(append([]namedStep{{"register-key", s.registerKey}}, steps...),
			namedStep{"find-message", s.findMessage}, namedStep{"delete-key", s.deleteKey})
	}
	return steps
}

// run runs one step under its timeout and prints its line.
func (s *session) run(ctx context.Context, st namedStep) error {
	timeout := s.o.StepTimeout
	if st.name == "find-message" {
		timeout = s.o.MessagesTimeout
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	if err := st.fn(sctx); err != nil {
		fmt.Fprintf(s.o.Out, "FAIL %-10s %v\n", st.name, err)
		return &StepError{Step: st.name, Err: err}
	}
	fmt.Fprintf(s.o.Out, "ok   %-10s %6d ms\n", st.name, time.Since(start).Milliseconds())
	return nil
}

// exchange writes m and reads the server's reply of type want.
func (s *session) exchange(ctx context.Context, m message, want string) (message, error) {
	if err := wsjson.Write(ctx, s.conn, m); err != nil {
		return message{}, err
	}
	var reply message
	if err := wsjson.Read(ctx, s.conn, &reply); err != nil {
		return message{}, fmt.Errorf("no %s reply: %w", want, err)
	}
	if reply.MessageType != want || reply.Status != 200 {
		return reply, fmt.Errorf("want a %s reply with status 200, got %q with status %d", want, reply.MessageType, reply.Status)
	}
	return reply, nil
}

func (s *session) connect(ctx context.Context) (err error) {
	s.conn, _, err = websocket.Dial(ctx, s.o.PushServerURL, nil)
	return err
}

func (s *session) hello(ctx context.Context) error {
	reply, err := s.exchange(ctx, message{MessageType: "hello", UseWebPush: true}, "hello")
	if err == nil && reply.UAID == "" {
		err = fmt.Errorf("the hello reply has no uaid")
	}
	return err
}

func (s *session) register(ctx context.Context) error {
	reply, err := s.exchange(ctx, message{MessageType: "register", ChannelID: s.channelID, Key: s.vapidPublic}, "register")
	if err == nil && reply.PushEndpoint == "" {
		err = fmt.Errorf("the register reply has no pushEndpoint")
	}
	s.endpoint = reply.PushEndpoint
	return err
}

func (s *session) send(ctx context.Context) error {
	resp, err := webpush.SendNotificationWithContext(ctx, []byte(s.plaintext),
		&webpush.Subscription{Endpoint: s.endpoint, Keys: webpush.Keys{P256dh: s.receiver.P256dh(), Auth: s.receiver.Auth()}},
		&webpush.Options{HTTPClient: s.o.HTTPClient, Subscriber: "smoke@push-turnkey.invalid", TTL: 60,
			VAPIDPublicKey: s.vapidPublic, VAPIDPrivateKey: s.vapidPrivate})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusAccepted {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("the endpoint answered %s: %s", resp.Status, body)
	}
	return nil
}

func (s *session) receive(ctx context.Context) error {
	if err := wsjson.Read(ctx, s.conn, &s.got); err != nil {
		return fmt.Errorf("no notification: %w", err)
	}
	if s.got.MessageType != "notification" || s.got.ChannelID != s.channelID {
		return fmt.Errorf("want a notification for channel %s, got %q for %q", s.channelID, s.got.MessageType, s.got.ChannelID)
	}
	return nil
}

func (s *session) decrypt(context.Context) error {
	body, err := base64.RawURLEncoding.DecodeString(s.got.Data)
	if err != nil {
		return fmt.Errorf("notification data is not base64url: %w", err)
	}
	plain, err := s.receiver.Decrypt(body)
	if err != nil {
		return err
	}
	if string(plain) != s.plaintext {
		return fmt.Errorf("decrypted %q, sent %q", plain, s.plaintext)
	}
	return nil
}

func (s *session) ack(ctx context.Context) error {
	return wsjson.Write(ctx, s.conn, message{MessageType: "ack", Updates: []update{{ChannelID: s.channelID, Version: s.got.Version, Code: 100}}})
}

func (s *session) unregister(ctx context.Context) error {
	_, err := s.exchange(ctx, message{MessageType: "unregister", ChannelID: s.channelID}, "unregister")
	return err
}

func (s *session) registerKey(ctx context.Context) error {
	body, _ := json.Marshal(map[string]string{"public-key": s.vapidPublic})
	return s.call(ctx, http.MethodPost, s.api+"/keys", body, http.StatusCreated, nil)
}

// findMessage polls the key's messages until the notification's version
// is among them.
func (s *session) findMessage(ctx context.Context) error {
	for {
		var list struct {
			Messages []struct {
				ID string `json:"id"`
			} `json:"messages"`
		}
		if err := s.call(ctx, http.MethodGet, s.api+"/messages/"+s.vapidPublic, nil, http.StatusOK, &list); err != nil && !errors.Is(err, errNoContent) {
			return err
		}
		for _, m := range list.Messages {
			if m.ID == s.got.Version {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("message %s not in the Messages API: %w", s.got.Version, ctx.Err())
		case <-time.After(s.o.PollInterval):
		}
	}
}

func (s *session) deleteKey(ctx context.Context) error {
	return s.call(ctx, http.MethodDelete, s.api+"/keys/"+s.vapidPublic, nil, http.StatusNoContent, nil)
}

// errNoContent is a 204 where 200 was wanted: nothing there yet.
var errNoContent = errors.New("no content")

// call makes one Messages API request about the session's key, with a
// proof of holding it (vapid.SignProof: the API serves a key to its
// holder only), and decodes a JSON answer into out (when not nil);
// another status than want is an error with the body.
func (s *session) call(ctx context.Context, method, url string, body []byte, want int, out interface{}) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	proof, err := vapid.SignProof(s.vapidPrivate, time.Now().Add(time.Hour), "mailto:smoke@push-turnkey.invalid")
	if err != nil {
		return fmt.Errorf("prove the VAPID key: %w", err)
	}
	req.Header.Set("Authorization", proof)
	resp, err := s.o.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusNoContent && want == http.StatusOK:
		return errNoContent
	case resp.StatusCode != want:
		return fmt.Errorf("%s %s answered %s: %s", method, url, resp.Status, bytes.TrimSpace(data))
	case out != nil:
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, url, err)
		}
	}
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
