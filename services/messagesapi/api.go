// Package messagesapi is the Push Messages API: an internal HTTP JSON API
// that registers VAPID public keys and serves each key's recent messages to
// the developer dashboard (reference: processor-and-messages-api.md).
package messagesapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/push-turnkey/push-turnkey/services/pushlog"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/services/vapid"
)

// MaxBodyBytes bounds a request body: a key registration is about 120 bytes.
const MaxBodyBytes = 4 << 10

// RequestTimeout bounds the storage calls of one request: a store that
// accepts connections but never answers gets a 503, not a hung client.
// The writes of a POST or DELETE, once begun, are not cut by it, nor by a
// client that hangs up: they have their own bound, pushmessages.WriteTimeout,
// so that the table and Redis are never left apart by a client.
const RequestTimeout = 10 * time.Second

// ReconcileInterval is how often KeepRedisInStep checks the Redis hash
// against the table: a key left apart by a Redis failure between the two
// writes of a POST or DELETE nobody repeated is set right within it. A
// check of a table of 5,000 keys reads about 125 read units (see
// pushmessages.Store.Reconcile): some 180,000 a day.
const ReconcileInterval = time.Minute

// Store is what the API needs of pushmessages.Store.
type Store interface {
	RegisteredKeys(ctx context.Context) (map[string]bool, error)
	IsRegistered(ctx context.Context, key string) (bool, error)
	Register(ctx context.Context, key string) error
	Unregister(ctx context.Context, key string) error
	Reconcile(ctx context.Context) (pushmessages.Reconciled, error)
	Messages(ctx context.Context, key string) ([]pushlog.Entry, error)
	PingRedis(ctx context.Context) error
	PingDynamoDB(ctx context.Context) error
	LastRead(ctx context.Context) (pushmessages.Read, bool, error)
}

var _ Store = (*pushmessages.Store)(nil)

// Version is what /__version__ reports (Dockerflow's version.json fields).
type Version struct {
	Source  string `json:"source"`
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Build   string `json:"build"`
}

// AlarmStates gives the states of the pipeline's alarms (Alarms does).
type AlarmStates interface {
	States(ctx context.Context) ([]AlarmJSON, error)
}

// API serves the endpoints. Build it with New.
type API struct {
	// Alarms, when set before the API serves, gives the alarm states
	// GET /pipeline reports; nil leaves them out.
	Alarms AlarmStates

	store   Store
	version Version
	log     *slog.Logger
	mux     *http.ServeMux
}

// New returns the API on store.
func New(store Store, version Version, log *slog.Logger) *API {
	a := &API{store: store, version: version, log: log, mux: http.NewServeMux()}
	a.mux.HandleFunc("/keys", a.keys)
	a.mux.HandleFunc("/keys/{key}", a.key)
	a.mux.HandleFunc("/messages/{key}", a.messages)
	a.mux.HandleFunc("/__heartbeat__", a.heartbeat)
	a.mux.HandleFunc("/__lbheartbeat__", a.lbheartbeat)
	a.mux.HandleFunc("/__version__", a.versionJSON)
	a.mux.HandleFunc("/pipeline", a.pipeline)
	a.mux.HandleFunc("GET /{$}", page("/"))
	a.mux.HandleFunc("GET /app.js", page("/app.js"))
	a.mux.HandleFunc("GET /style.css", page("/style.css"))
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
	})
	return a
}

// ServeHTTP serves one request: unclean paths get a JSON 404, bodies are
// cut at MaxBodyBytes and storage calls at RequestTimeout. HEAD is served
// wherever GET is, as GET without the body. Each request is logged in one
// line (see logRequest).
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// No answer is to be read as anything but its declared type, and no
	// cache, shared or the browser's, keeps one: they carry a team's
	// messages, asked for with its proof (the page's files say otherwise).
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	served := r
	defer func() { a.logRequest(served, rec.status, time.Since(start)) }()
	if r.URL.Path != path.Clean(r.URL.Path) {
		// ServeMux would answer with a redirect in HTML.
		writeError(rec, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
		return
	}
	if msg := crossSite(r); msg != "" {
		writeError(rec, http.StatusForbidden, msg)
		return
	}
	if !addressedByAddress(r.Host) {
		writeError(rec, http.StatusMisdirectedRequest, "the API answers requests to its address (an IP address, or localhost through a tunnel), not to the name "+r.Host)
		return
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	}
	ctx, cancel := context.WithTimeout(r.Context(), RequestTimeout)
	defer cancel()
	served = r.WithContext(ctx)
	a.mux.ServeHTTP(rec, served)
}

// KeepRedisInStep reconciles the Redis hash with the table every interval
// until ctx ends, so that a key a failed write left apart (pushmessages.Store
// says how) is set right even if no one repeats the request. A check that
// finds Redis apart logs a warning with the counts (never the keys); a
// failure logs an error and the next tick tries again. Run it in a
// goroutine of its own: go api.KeepRedisInStep(ctx, ReconcileInterval). An
// interval that is not positive means ReconcileInterval.
func (a *API) KeepRedisInStep(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = ReconcileInterval
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		runCtx, cancel := context.WithTimeout(ctx, interval)
		r, err := a.store.Reconcile(runCtx)
		cancel()
		switch {
		case err != nil:
			a.log.Error("reconcile redis with the table failed", "error", err)
		case r.Added > 0 || r.Removed > 0:
			a.log.Warn("redis was apart from the table; set right", "keys", len(r.Keys), "added", r.Added, "removed", r.Removed)
		}
	}
}

// logRequest logs one served request: method, the route's pattern (never
// the path, which holds keys), status and duration in milliseconds. A
// path that matched no route reads "unmatched".
func (a *API) logRequest(r *http.Request, status int, d time.Duration) {
	route := r.Pattern
	if route == "" || route == "/" {
		route = "unmatched"
	}
	a.log.Info("request", "method", r.Method, "route", route, "status", status,
		"duration_ms", float64(d.Microseconds())/1000)
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// KeyJSON is one key in requests and answers: {"public-key": "..."}.
type KeyJSON struct {
	PublicKey string `json:"public-key"`
}

// keys registers a key (POST). There is no listing: the reference's GET
// /keys told anyone on the network every team's key, and the page never
// needs it (operators read the table).
func (a *API) keys(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		if !jsonBody(w, r) {
			return
		}
		body, err := parseKeyBody(r.Body)
		if err != nil {
			writeError(w, statusOf(err), err.Error())
			return
		}
		key, err := vapid.ParsePublicKey(body.PublicKey)
		if err != nil {
			writeError(w, http.StatusBadRequest, `"public-key": `+err.Error())
			return
		}
		if !prove(w, r, key) || !a.roomFor(w, r, key) {
			return
		}
		if err := a.store.Register(r.Context(), key); err != nil {
			a.fail(w, r, err)
			return
		}
		// A relative reference (RFC 9110, section 10.2.2: Location is a
		// URI-reference, resolved against the request's URI): no part of
		// it comes from the request's Host header, which the client
		// chooses, so no one can make the API point elsewhere.
		w.Header().Set("Location", "/keys/"+key)
		writeJSON(w, http.StatusCreated, KeyJSON{key})
	default:
		methodNotAllowed(w, http.MethodPost)
	}
}

// MaxRegisteredKeys bounds the keys the API registers: anyone who can
// reach it can make key pairs and prove them, and the processor reads the
// whole list for each log object. Requests at once may pass it by a few.
const MaxRegisteredKeys = 1000

// roomFor answers 403 when key is new and MaxRegisteredKeys are
// registered already. A registered key, the common case, costs one look-up;
// only a new one counts the keys.
func (a *API) roomFor(w http.ResponseWriter, r *http.Request, key string) bool {
	registered, err := a.store.IsRegistered(r.Context(), key)
	if err != nil {
		a.fail(w, r, err)
		return false
	}
	if registered {
		return true
	}
	keys, err := a.store.RegisteredKeys(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return false
	}
	if len(keys) >= MaxRegisteredKeys {
		writeError(w, http.StatusForbidden, fmt.Sprintf("the service holds its limit of %d registered keys: a key must be removed before another is added", MaxRegisteredKeys))
		return false
	}
	return true
}

func (a *API) key(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodDelete {
		methodNotAllowed(w, http.MethodDelete)
		return
	}
	key, ok := pathKey(w, r)
	if !ok || !prove(w, r, key) {
		return
	}
	switch err := a.store.Unregister(r.Context(), key); {
	case errors.Is(err, pushmessages.ErrNotRegistered):
		writeError(w, http.StatusNotFound, "public key is not registered")
	case err != nil:
		a.fail(w, r, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (a *API) messages(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, http.MethodGet, http.MethodHead)
		return
	}
	key, ok := pathKey(w, r)
	if !ok || !prove(w, r, key) {
		return
	}
	registered, err := a.store.IsRegistered(r.Context(), key)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !registered {
		writeError(w, http.StatusNotFound, "public key is not registered")
		return
	}
	msgs, err := a.store.Messages(r.Context(), key)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if len(msgs) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, map[string][]pushlog.Entry{"messages": msgs})
}

// PipelineJSON is the answer of GET /pipeline. ReadAt and WrittenAt
// (Unix seconds) are when the processor last read a log object and when
// Firehose had written it; both absent before its first read. Alarms are
// the states of the pipeline's alarms, absent when the API was not told
// their names; AlarmsError says, instead, that CloudWatch could not be
// read (the log says why).
type PipelineJSON struct {
	ReadAt      int64       `json:"read-at,omitempty"`
	WrittenAt   int64       `json:"written-at,omitempty"`
	Alarms      []AlarmJSON `json:"alarms,omitempty"`
	AlarmsError string      `json:"alarms-error,omitempty"`
}

// pipeline answers how the pipeline is doing (PipelineJSON). It names no
// key, so it needs no proof.
func (a *API) pipeline(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, http.MethodGet, http.MethodHead)
		return
	}
	read, ok, err := a.store.LastRead(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var answer PipelineJSON
	if ok {
		answer.ReadAt, answer.WrittenAt = read.At.Unix(), read.Written.Unix()
	}
	if a.Alarms != nil {
		states, err := a.Alarms.States(r.Context())
		if err != nil {
			a.log.Warn("could not read the pipeline's alarms", "error", err)
			answer.AlarmsError = "the Messages API could not read the alarms' states from CloudWatch; its log says why"
		}
		answer.Alarms = states
	}
	writeJSON(w, http.StatusOK, answer)
}

func (a *API) heartbeat(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	checks := map[string]string{"status": "ok", "redis": "ok", "dynamodb": "ok"}
	status := http.StatusOK
	for name, ping := range map[string]func(context.Context) error{"redis": a.store.PingRedis, "dynamodb": a.store.PingDynamoDB} {
		if err := ping(ctx); err != nil {
			// Details go to the log, not to the caller.
			a.log.Warn("heartbeat failed", "store", name, "error", err)
			checks[name], checks["status"], status = "unavailable", "error", http.StatusServiceUnavailable
		}
	}
	writeJSON(w, status, checks)
}

func (a *API) lbheartbeat(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *API) versionJSON(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, a.version)
}

// pathKey reads and checks the {key} path value, answering 400 when it is
// no VAPID public key.
// prove checks that the request proves it holds the private key of key:
// its Authorization is a proof vapid.VerifyProof accepts, of that key. A
// key's messages, its registration and its removal are its holder's
// only, since a public key is public. It answers 401 (no proof, or one
// that fails, saying why) or 403 (a proof of another key), and returns
// false.
func prove(w http.ResponseWriter, r *http.Request, key string) bool {
	header := r.Header.Get("Authorization")
	if header == "" {
		w.Header().Set("WWW-Authenticate", "vapid")
		writeError(w, http.StatusUnauthorized, "a proof of holding the key's private key is needed: Authorization: vapid t=<JWT for "+vapid.ProofAudience+">, k=<public key>")
		return false
	}
	proof, err := vapid.VerifyProof(header, time.Now())
	if err != nil {
		w.Header().Set("WWW-Authenticate", "vapid")
		writeError(w, http.StatusUnauthorized, "Authorization: "+err.Error())
		return false
	}
	if proof.Key != key {
		writeError(w, http.StatusForbidden, "the proof is of another key than the one the request names")
		return false
	}
	return true
}

// crossSite refuses a request a browser marks as sent from another site
// or origin (Sec-Fetch-Site, Fetch Metadata): the page and the API share
// one origin, so any other is a forgery. A browser's cross-origin request
// carrying Authorization or a JSON body needs a CORS preflight too, which
// the API never allows. Requests without the header (curl, the smoke
// command) are not browsers' and pass.
func crossSite(r *http.Request) string {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return ""
	}
	return "a request from another site or origin is refused (Sec-Fetch-Site: " + r.Header.Get("Sec-Fetch-Site") + ")"
}

// addressedByAddress reports whether host (a Host header) is an IP
// address or localhost, with or without a port: how the API is reached
// (messagesApiUrl, or the dashboardTunnel on localhost). A name other
// than localhost is refused, so a page of another site whose name an
// attacker points at the API's address (DNS rebinding) is not answered,
// although the browser takes its requests as same-origin.
func addressedByAddress(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	return host == "localhost" || net.ParseIP(host) != nil
}

// jsonBody refuses a POST whose Content-Type is not application/json
// (415), which a form on another site could otherwise send without a CORS
// preflight.
func jsonBody(w http.ResponseWriter, r *http.Request) bool {
	media, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if strings.EqualFold(strings.TrimSpace(media), "application/json") {
		return true
	}
	writeError(w, http.StatusUnsupportedMediaType, "the body must be JSON (Content-Type: application/json)")
	return false
}

func pathKey(w http.ResponseWriter, r *http.Request) (string, bool) {
	key, err := vapid.ParsePublicKey(r.PathValue("key"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "path: "+err.Error())
		return "", false
	}
	return key, true
}

// parseKeyBody reads the body of POST /keys, which is the JSON object
// {"public-key": "<key>"} (reference: processor-and-messages-api.md) and
// nothing else. It reads JSON tokens itself, because encoding/json's
// Unmarshal matches member names without regard to case and keeps the last
// of duplicates: here a member name is compared exactly, after JSON's
// escapes are decoded (RFC 8259, section 7: "public\u002dkey" is the same
// name), and a second "public-key" is refused, for RFC 8259, section 4,
// leaves duplicates to each parser and a proxy may have read the other
// one. The error names what is wrong; a body over MaxBodyBytes is a 413.
func parseKeyBody(body io.Reader) (KeyJSON, error) {
	var out KeyJSON
	dec := json.NewDecoder(body)
	tok, err := dec.Token()
	if err != nil {
		return out, bodyError(err)
	}
	if tok != json.Delim('{') {
		return out, badBody("body is not a JSON object")
	}
	// From here on, the end of the body is an object cut short.
	inside := func(err error) error {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return bodyError(err)
	}
	seen := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out, inside(err)
		}
		name, _ := tok.(string) // More and Token guarantee a name here
		switch {
		case name != "public-key":
			return out, badBody(fmt.Sprintf(`unknown member %q: the only member is "public-key"`, name))
		case seen:
			return out, badBody(`member "public-key" appears more than once`)
		}
		seen = true
		if tok, err = dec.Token(); err != nil {
			return out, inside(err)
		}
		key, ok := tok.(string)
		if !ok {
			return out, badBody(`"public-key" is not a JSON string`)
		}
		out.PublicKey = key
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return out, inside(err)
	}
	if !seen {
		return out, badBody(`body has no "public-key" member`)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return out, badBody("body holds more than one JSON value")
		}
		return out, bodyError(err)
	}
	return out, nil
}

// bodyError turns a failure to read or decode the body into a requestError.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("body is larger than %d bytes", MaxBodyBytes)}
	case errors.Is(err, io.EOF):
		return badBody(`body is empty; want {"public-key": "<VAPID public key>"}`)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badBody("body ends inside its JSON object")
	}
	return badBody("body is not JSON: " + err.Error())
}

func badBody(msg string) error { return &requestError{http.StatusBadRequest, msg} }

type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func statusOf(err error) int {
	var re *requestError
	if errors.As(err, &re) {
		return re.status
	}
	return http.StatusBadRequest
}

// fail answers 503 for a store failure (Redis or DynamoDB down) and logs
// it with the route's pattern: the path holds the key (see logRequest).
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("request failed", "method", r.Method, "route", r.Pattern, "error", err)
	writeError(w, http.StatusServiceUnavailable, "storage unavailable")
}

func methodNotAllowed(w http.ResponseWriter, allowed ...string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	use := allowed[len(allowed)-1]
	if len(allowed) > 1 {
		use = strings.Join(allowed[:len(allowed)-1], ", ") + " or " + use
	}
	writeError(w, http.StatusMethodNotAllowed, "method not allowed; use "+use)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do
}
