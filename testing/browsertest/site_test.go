package browsertest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"github.com/SherClockHolmes/webpush-go"
)

// site is the test's web server on 127.0.0.1: it serves testdata (the
// page and its service worker) and takes what they report.
type site struct {
	*httptest.Server
	ready         chan struct{} // closed to let the page subscribe
	subscriptions chan webpush.Subscription
	pushed        chan string // texts the service worker read
	errors        chan string // the page's failure

	mu       sync.Mutex
	attempts []string // subscribe attempts that failed and were retried
}

func serveSite(t *testing.T) *site {
	s := &site{ready: make(chan struct{}), subscriptions: make(chan webpush.Subscription, 1),
		pushed: make(chan string, 4), errors: make(chan string, 4)}
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(os.DirFS("testdata")))
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-s.ready:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("POST /subscription", func(w http.ResponseWriter, r *http.Request) {
		var sub webpush.Subscription
		if err := json.NewDecoder(r.Body).Decode(&sub); err != nil {
			s.errors <- "the page posted a subscription that is not JSON: " + err.Error()
			return
		}
		s.subscriptions <- sub
	})
	mux.HandleFunc("POST /pushed", func(w http.ResponseWriter, r *http.Request) { s.pushed <- readAll(r) })
	mux.HandleFunc("POST /error", func(w http.ResponseWriter, r *http.Request) { s.errors <- readAll(r) })
	mux.HandleFunc("POST /attempt", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.attempts = append(s.attempts, readAll(r))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// failedAttempts is what the page reported of subscribe attempts it retried.
func (s *site) failedAttempts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.attempts...)
}

func readAll(r *http.Request) string {
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	return string(b)
}
