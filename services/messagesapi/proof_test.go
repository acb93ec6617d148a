package messagesapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/services/vapid"
	"github.com/push-turnkey/push-turnkey/testing/webpushmint"
)

// webPushProof is a key and the proof npm's web-push makes of it for aud,
// as a developer makes one.
func webPushProof(t *testing.T, aud string) (key, proof string) {
	m := webpushmint.Mint(t, aud, time.Now().Add(time.Hour))
	return m.PublicKey, m.Authorization
}

// TestAKeyIsItsHoldersOnly: registering a key, reading its messages and
// removing it take a proof of holding its private key, made with a
// web-push library; a key's public half, which anyone may know, is not
// enough, nor another key's proof, nor a token made for a push service.
func TestAKeyIsItsHoldersOnly(t *testing.T) {
	srv, store := newServer(t)
	key, proof := webPushProof(t, vapid.ProofAudience)
	_, pushToken := webPushProof(t, "https://push.example.com:8443")
	stranger := vapidKey(t)
	strangers, _ := proofs.Load(stranger)
	body := `{"public-key": "` + key + `"}`

	request := func(method, path, body, authorization string) (*http.Response, map[string]interface{}) {
		req := proved(t, method, srv.URL+path, "", body)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		return send(t, req)
	}
	for name, c := range map[string]struct {
		method, path, body, authorization string
		status                            int
		problem                           string
	}{
		"register without proof":        {"POST", "/keys", body, "", 401, "a proof of holding the key's private key is needed"},
		"register with another's proof": {"POST", "/keys", body, strangers.(string), 403, "the proof is of another key"},
		"register with a push token":    {"POST", "/keys", body, pushToken, 401, "aud is https://push.example.com:8443"},
	} {
		resp, answer := request(c.method, c.path, c.body, c.authorization)
		assert.Equal(t, c.status, resp.StatusCode, name)
		assert.Contains(t, answer["error"], c.problem, name)
		if c.status == 401 {
			assert.Equal(t, "vapid", resp.Header.Get("WWW-Authenticate"), name)
		}
	}
	registered, err := store.IsRegistered(t.Context(), key)
	require.NoError(t, err)
	assert.False(t, registered, "nothing was registered")

	resp, _ := request("POST", "/keys", body, proof)
	require.Equal(t, 201, resp.StatusCode, "the holder registers it with web-push's proof")
	for name, authorization := range map[string]string{"no proof": "", "another's proof": strangers.(string)} {
		resp, _ := request("GET", "/messages/"+key, "", authorization)
		assert.Contains(t, []int{401, 403}, resp.StatusCode, "reading the messages with %s", name)
		resp, _ = request("DELETE", "/keys/"+key, "", authorization)
		assert.Contains(t, []int{401, 403}, resp.StatusCode, "removing the key with %s", name)
	}
	resp, _ = request("GET", "/messages/"+key, "", proof)
	assert.Equal(t, 204, resp.StatusCode, "its holder reads it")
	resp, _ = request("DELETE", "/keys/"+key, "", proof)
	assert.Equal(t, 204, resp.StatusCode, "and removes it")
}

// TestCrossSiteRequestsAreRefused: a browser marks a request from another
// site or origin (Sec-Fetch-Site), and a form can post only form types:
// both are refused, even with a valid proof; the page's own requests pass.
func TestCrossSiteRequestsAreRefused(t *testing.T) {
	srv, _ := newServer(t)
	key := vapidKey(t)
	body := `{"public-key": "` + key + `"}`
	for _, site := range []string{"cross-site", "same-site"} {
		req := proved(t, "POST", srv.URL+"/keys", key, body)
		req.Header.Set("Sec-Fetch-Site", site)
		resp, answer := send(t, req)
		assert.Equal(t, 403, resp.StatusCode, site)
		assert.Contains(t, answer["error"], "another site or origin", site)
	}
	req := proved(t, "POST", srv.URL+"/keys", key, body)
	req.Header.Set("Content-Type", "text/plain")
	resp, answer := send(t, req)
	assert.Equal(t, 415, resp.StatusCode)
	assert.Contains(t, answer["error"], "Content-Type: application/json")

	req = proved(t, "POST", srv.URL+"/keys", key, body)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, _ = send(t, req)
	assert.Equal(t, 201, resp.StatusCode, "the page's own request")
}

// TestThePageKeepsToItsOrigin: the dashboard's page, script and style are
// served from the binary with a policy that lets them load and call only
// their own origin and never be framed.
func TestThePageKeepsToItsOrigin(t *testing.T) {
	srv, _ := newServer(t)
	for path, media := range map[string]string{"/": "text/html", "/app.js": "text/javascript", "/style.css": "text/css"} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, path)
		assert.Contains(t, resp.Header.Get("Content-Type"), media, path)
		csp := resp.Header.Get("Content-Security-Policy")
		for _, directive := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
			assert.Contains(t, csp, directive, path)
		}
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), path)
	}
	resp, err := http.Get(srv.URL + "/index.html")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode, "only the three files")
}

// TestPipelineSaysWhenTheProcessorLastRead: nothing before the
// processor's first read, then its last read and when the object had been
// written; no alarm states when the API was not told the alarms' names.
func TestPipelineSaysWhenTheProcessorLastRead(t *testing.T) {
	srv, store := newServer(t)
	resp, body := do(t, "GET", srv.URL+"/pipeline", "")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Empty(t, body)
	require.NoError(t, store.RecordRead(t.Context(), pushmessages.Read{At: time.Unix(1796108770, 0), Written: time.Unix(1796108709, 0)}))
	resp, body = do(t, "GET", srv.URL+"/pipeline", "")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, map[string]interface{}{"read-at": 1796108770.0, "written-at": 1796108709.0}, body)
}

// TestOnlyAddressesAreAnswered: the API is reached by its address or
// through a tunnel on localhost; a request naming another host (a page
// whose name was pointed at the API: DNS rebinding) is refused with 421,
// even as a same-origin browser request.
func TestOnlyAddressesAreAnswered(t *testing.T) {
	srv, _ := newServer(t)
	for host, want := range map[string]int{
		"attacker.example:8080": 421, "attacker.example": 421, "localhost.attacker.example:8080": 421,
		"localhost:8080": 0, "10.0.3.17:8080": 0, "127.0.0.1": 0, "[::1]:8080": 0, // answered (0: not 421)
	} {
		req, err := http.NewRequest("GET", srv.URL+"/pipeline", nil)
		require.NoError(t, err)
		req.Host = host
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		if want == 0 {
			assert.Equal(t, 200, resp.StatusCode, host)
		} else {
			assert.Equal(t, want, resp.StatusCode, host)
		}
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), host)
	}
}
