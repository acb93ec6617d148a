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
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/push-turnkey/push-turnkey/pushlog"
	"github.com/push-turnkey/push-turnkey/pushmessages"
	"github.com/push-turnkey/push-turnkey/vapid"
)

// MaxBodyBytes bounds a request body: a key registration is about 120 bytes.
const MaxBodyBytes = 4 << 10

// RequestTimeout bounds the storage calls of one request: a store that
// accepts connections but never answers gets a 503, not a hung client.
const RequestTimeout = 10 * time.Second

// Store is what the API needs of pushmessages.Store.
type Store interface {
	RegisteredKeys(ctx context.Context) (map[string]bool, error)
	IsRegistered(ctx context.Context, key string) (bool, error)
	Register(ctx context.Context, key string) error
	Unregister(ctx context.Context, key string) error
	Messages(ctx context.Context, key string) ([]pushlog.Entry, error)
	PingRedis(ctx context.Context) error
	PingDynamoDB(ctx context.Context) error
}

var _ Store = (*pushmessages.Store)(nil)

// Version is what /__version__ reports (Dockerflow's version.json fields).
type Version struct {
	Source  string `json:"source"`
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Build   string `json:"build"`
}

// API serves the endpoints. Build it with New.
type API struct {
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
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
	})
	return a
}

// ServeHTTP serves one request: unclean paths get a JSON 404, bodies are
// cut at MaxBodyBytes and storage calls at RequestTimeout. Each request
// is logged in one line (see logRequest).
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	served := r
	defer func() { a.logRequest(served, rec.status, time.Since(start)) }()
	if r.URL.Path != path.Clean(r.URL.Path) {
		// ServeMux would answer with a redirect in HTML.
		writeError(rec, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
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

func (a *API) keys(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		keys, err := a.store.RegisteredKeys(r.Context())
		if err != nil {
			a.fail(w, r, err)
			return
		}
		list := make([]KeyJSON, 0, len(keys))
		for k := range keys {
			list = append(list, KeyJSON{k})
		}
		sort.Slice(list, func(i, j int) bool { return list[i].PublicKey < list[j].PublicKey })
		writeJSON(w, http.StatusOK, map[string][]KeyJSON{"keys": list})
	case http.MethodPost:
		var body KeyJSON
		if err := decodeBody(r, &body); err != nil {
			writeError(w, statusOf(err), err.Error())
			return
		}
		key, err := vapid.ParsePublicKey(body.PublicKey)
		if err != nil {
			writeError(w, http.StatusBadRequest, `"public-key": `+err.Error())
			return
		}
		if err := a.store.Register(r.Context(), key); err != nil {
			a.fail(w, r, err)
			return
		}
		w.Header().Set("Location", baseURL(r)+"/keys/"+key)
		writeJSON(w, http.StatusCreated, KeyJSON{key})
	default:
		methodNotAllowed(w, http.MethodGet, http.MethodPost)
	}
}

func (a *API) key(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodDelete {
		methodNotAllowed(w, http.MethodDelete)
		return
	}
	key, ok := pathKey(w, r)
	if !ok {
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
	if r.Method != http.MethodGet {
		methodNotAllowed(w, http.MethodGet)
		return
	}
	key, ok := pathKey(w, r)
	if !ok {
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
func pathKey(w http.ResponseWriter, r *http.Request) (string, bool) {
	key, err := vapid.ParsePublicKey(r.PathValue("key"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "path: "+err.Error())
		return "", false
	}
	return key, true
}

// decodeBody reads one JSON object with known fields only.
func decodeBody(r *http.Request, v interface{}) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("body is larger than %d bytes", MaxBodyBytes)}
		}
		if errors.Is(err, io.EOF) {
			return &requestError{http.StatusBadRequest, `body is empty; want {"public-key": "<VAPID public key>"}`}
		}
		return &requestError{http.StatusBadRequest, "body is not the JSON object {\"public-key\": \"...\"}: " + err.Error()}
	}
	if dec.More() {
		return &requestError{http.StatusBadRequest, "body holds more than one JSON value"}
	}
	return nil
}

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

// baseURL is the scheme and host the client used.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// fail answers 503 for a store failure (Redis or DynamoDB down) and logs it.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	writeError(w, http.StatusServiceUnavailable, "storage unavailable")
}

func methodNotAllowed(w http.ResponseWriter, allowed ...string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeError(w, http.StatusMethodNotAllowed, "method not allowed; use "+strings.Join(allowed, " or "))
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do
}
