package dashboardtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/services/messagesapi"
	"github.com/push-turnkey/push-turnkey/services/processor"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/services/vapid"
	"github.com/push-turnkey/push-turnkey/testing/fakecloudwatch"
	"github.com/push-turnkey/push-turnkey/testing/logfixture"
	"github.com/push-turnkey/push-turnkey/testing/testservers"
	"github.com/push-turnkey/push-turnkey/testing/webpushmint"
)

var env testservers.Env

func TestMain(m *testing.M) { os.Exit(testservers.Run(m, &env)) }

// ScreenshotsEnv names the directory the screenshots go to (the README's
// are docs/dashboard: DASHBOARD_SCREENSHOTS=docs/dashboard); unset, a
// temporary one.
const ScreenshotsEnv = "DASHBOARD_SCREENSHOTS"

// chromiumBinaries are the names Chromium goes by, Debian's first.
var chromiumBinaries = []string{"chromium", "chromium-browser", "google-chrome"}

// browser starts a headless Chromium of width x height CSS pixels and
// returns its context.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	var path string
	for _, name := range chromiumBinaries {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	require.NotEmpty(t, path, "Chromium is needed (scripts/test.sh installs Debian's chromium)")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.WindowSize(width, height), chromedp.NoSandbox, chromedp.Flag("lang", "en-US"))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	return ctx
}

// proof is a key npm's web-push generated and the proof it makes of it,
// as a developer pastes it.
func proof(t *testing.T) (key, authorization string) {
	m := webpushmint.Mint(t, vapid.ProofAudience, time.Now().Add(time.Hour))
	return m.PublicKey, m.Authorization
}

func screenshotDir(t *testing.T) string {
	if dir := os.Getenv(ScreenshotsEnv); dir != "" {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		return dir
	}
	return t.TempDir()
}

// shoot saves a screenshot of the whole page as name.png, after checking
// the page as it is with axe-core (tools/axe): no serious or critical
// violation.
func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	assert.Empty(t, axeViolations(t, ctx), "axe-core on %s", name)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// TestADeveloperSeesTheirMessages: the page, empty; a key added with a
// web-push proof, by keyboard alone; the key with no message yet; a
// message appears once the processor has read a log object of it; the
// same at phone width; the key removed. Each state is photographed.
func TestADeveloperSeesTheirMessages(t *testing.T) {
	store := env.Store(t)
	api := messagesapi.New(store, messagesapi.Version{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	// The stack's seven pipeline alarms, all quiet; the API's clock moves
	// on when the test changes one, past the minute it keeps an answer.
	cw := &fakecloudwatch.Alarms{}
	drift := []string{"push-test-processor-malformed-records", "push-test-processor-unreadable-deliveries", "push-test-processor-no-readable-records"}
	other := []string{"push-test-log-delivery-failures", "push-test-log-stream-silent", "push-test-processor-errors", "push-test-processor-failed-events"}
	for _, name := range append(slices.Clone(drift), other...) {
		cw.Put(name, "OK", "", time.Now().Add(-48*time.Hour).Unix())
	}
	var ahead atomic.Int64
	api.Alarms = &messagesapi.Alarms{CloudWatch: cw, FormatDrift: drift, Pipeline: other,
		Now: func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }}
	srv := httptest.NewServer(api)
	defer srv.Close()
	dir := screenshotDir(t)
	key, authorization := proof(t)
	ctx := browser(t, 1200, 900)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible("#no-keys")))
	assert.Equal(t, "No key yet: add one above.", text(t, ctx, "#no-keys"))
	waitText(t, ctx, "#pipeline", "The processor has not read a log object yet.")
	waitText(t, ctx, "#alarms", "The 3 format-drift alarms are quiet: the servers' log records read as expected. The other 4 pipeline alarms are quiet.")
	shoot(t, ctx, dir, "no-key")

	// Keyboard only: Tab until the proof field has the focus, type the
	// proof, Tab to the button, Enter.
	reached := false
	for range 12 {
		require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)))
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
		require.NoError(t, err)
		if reached = focused == "proof"; reached {
			break
		}
	}
	require.True(t, reached, "the proof field is reached with Tab")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys("#proof", authorization),
		chromedp.KeyEvent(kb.Tab),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(".key h3")))
	assert.Equal(t, key, text(t, ctx, ".key h3"), "the key added is the proof's")
	registered, err := store.IsRegistered(context.Background(), key)
	require.NoError(t, err)
	assert.True(t, registered)
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('.key .status').textContent.startsWith('No message since')`))
	require.NoError(t, err)
	assert.Contains(t, text(t, ctx, ".key .status"), "The processor reads the logs every minute or so")
	shoot(t, ctx, dir, "key-no-messages")

	// A message sent with the key, logged as autopush 1.58.4 logs it and
	// read by the processor.
	var o logfixture.Object
	sent := float64(time.Now().Unix())
	o.Delivery(logfixture.Push{Time: sent, SenderKey: key, MessageID: "gAAAAABnZs-first-message", BodyLength: 3068, TTL: logfixture.TTL(86400)})
	o.Delivery(logfixture.Push{Time: sent + 30, SenderKey: key, MessageID: "gAAAAABnZs-while-offline", BodyLength: 412, TTL: logfixture.TTL(3600), Stored: true})
	sum, err := processor.Process(context.Background(), bytes.NewReader(o.Gzip()), store)
	require.NoError(t, err)
	require.Equal(t, 2, sum.Matched, "the processor credits the key")
	require.NoError(t, store.RecordRead(context.Background(), pushmessages.Read{At: time.Now(), Written: time.Now().Add(-70 * time.Second)}))
	require.NoError(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(".key table tbody tr")))
	newest := text(t, ctx, ".key table tbody tr:first-child")
	assert.Contains(t, newest, "gAAAAABnZs-while-offline", "newest first")
	assert.Contains(t, newest, "stored: it was offline")
	oldest := text(t, ctx, ".key table tbody tr:last-child")
	assert.Contains(t, oldest, "gAAAAABnZs-first-message")
	assert.Contains(t, oldest, "delivered: it was connected")
	assert.Contains(t, oldest, "3068")
	assert.Contains(t, oldest, "86400")
	assert.Contains(t, text(t, ctx, "#pipeline"), "It is keeping up.")
	shoot(t, ctx, dir, "messages-desktop")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	shoot(t, ctx, dir, "messages-phone")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1200, 900)))

	// Stop watching in this tab: the key stays registered.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(".key button.forget"), chromedp.WaitNotPresent(".key")))
	assert.Contains(t, text(t, ctx, "#add-status"), "is no longer watched in this tab; it stays registered")
	registered, err = store.IsRegistered(context.Background(), key)
	require.NoError(t, err)
	assert.True(t, registered, "forgetting in the tab unregisters nothing")
	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue("#proof", authorization), chromedp.Click("#add button"), chromedp.WaitVisible(".key h3")))

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(".key button.unregister"), chromedp.WaitNotPresent(".key")))
	removed := text(t, ctx, "#add-status")
	assert.True(t, strings.HasSuffix(removed, "unregistered: its messages are no longer kept."), removed)
	registered, err = store.IsRegistered(context.Background(), key)
	require.NoError(t, err)
	assert.False(t, registered, "removed in the API too")
	shoot(t, ctx, dir, "key-removed")

	// An idle stack: nothing read for 25 minutes is no fault by itself.
	require.NoError(t, store.RecordRead(context.Background(), pushmessages.Read{At: time.Now().Add(-25 * time.Minute), Written: time.Now().Add(-26 * time.Minute)}))
	require.NoError(t, chromedp.Do(ctx, chromedp.Reload()))
	waitText(t, ctx, "#pipeline", "Nothing newer for 25 minutes: either no traffic reached the servers (an idle stack writes no logs), or their logs stopped")
	assert.Equal(t, "status", attribute(t, ctx, "#pipeline", "class"), "not shown as an error")

	// The processor read an object 9 minutes after Firehose wrote it, and
	// a format-drift alarm fired 20 minutes ago.
	require.NoError(t, store.RecordRead(context.Background(), pushmessages.Read{At: time.Now().Add(-time.Minute), Written: time.Now().Add(-10 * time.Minute)}))
	cw.Put(drift[1], "ALARM", "Records that report a message are not in the form autopush 1.58.4 writes: has the server's log format changed?",
		time.Now().Add(-20*time.Minute).Unix())
	ahead.Store(int64(messagesapi.AlarmsCacheTTL))
	require.NoError(t, chromedp.Do(ctx, chromedp.Reload()))
	waitText(t, ctx, "#pipeline", "It is falling behind: it read that object 9 minutes after Firehose wrote it.")
	waitText(t, ctx, "#alarms", "1 of the 3 format-drift alarms is firing: has the servers' log format changed? The other 4 pipeline alarms are quiet.")
	assert.Contains(t, text(t, ctx, "#alarms li"), drift[1]+", since ")
	shoot(t, ctx, dir, "pipeline-behind")
}

// TestExpiredProofsAreForgotten: a proof left in the tab is dropped once
// it has expired, when the page loads.
func TestExpiredProofsAreForgotten(t *testing.T) {
	store := env.Store(t)
	srv := httptest.NewServer(messagesapi.New(store, messagesapi.Version{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	key, authorization := proof(t)
	expired := webpushmint.Mint(t, vapid.ProofAudience, time.Now().Add(time.Second))
	ctx := browser(t, 1200, 900)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible("#no-keys"),
		chromedp.SetValue("#proof", authorization), chromedp.Click("#add button"), chromedp.WaitVisible(".key h3")))
	// The other proof was added an hour ago, say, and has expired since.
	time.Sleep(time.Until(time.Unix(expiry(t, expired.Authorization), 0).Add(time.Second)))
	_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const p = JSON.parse(sessionStorage.getItem('proofs')); p[%q] = %q; sessionStorage.setItem('proofs', JSON.stringify(p)); })()`,
		expired.PublicKey, expired.Authorization)))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(".key h3")))
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`JSON.parse(sessionStorage.getItem('proofs'))`))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{key: authorization}, kept)
	count, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.key').length`))
	require.NoError(t, err)
	assert.Equal(t, 1, count)
}

// expiry is the exp of a proof's JWT, read as RFC 7519 says.
func expiry(t *testing.T, authorization string) int64 {
	t.Helper()
	token := strings.TrimPrefix(strings.Split(authorization, ",")[0], "vapid t=")
	claims, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
	require.NoError(t, err)
	var c struct{ Exp int64 }
	require.NoError(t, json.Unmarshal(claims, &c))
	return c.Exp
}

// attribute is the attribute name of the element sel selects.
func attribute(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute(%q)`, sel, name)))
	require.NoError(t, err)
	return v
}

// waitText waits until the text of sel contains want.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := text(t, ctx, sel)
		if strings.Contains(got, want) {
			return
		}
		require.True(t, time.Now().Before(deadline), "%s says %q, not %q", sel, got, want)
		time.Sleep(50 * time.Millisecond)
	}
}

// axeViolations runs axe-core (npm, installed by scripts/test.sh: npm ci
// --prefix tools/axe) in the page, through the DevTools protocol, which the
// page's Content-Security-Policy does not govern, and returns its serious
// and critical violations, "<rule>: <help> (<n> elements)".
func axeViolations(t *testing.T, ctx context.Context) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "tools", "axe", "node_modules", "axe-core", "axe.min.js"))
	require.NoError(t, err, "axe-core (npm ci --prefix tools/axe)")
	_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(src)+";undefined"))
	require.NoError(t, err)
	type violation struct {
		ID, Impact, Help string
		Nodes            int
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](
		`axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({ID: v.id, Impact: v.impact, Help: v.help, Nodes: v.nodes.length})))`,
		chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	var serious []string
	for _, v := range found {
		if v.Impact == "serious" || v.Impact == "critical" {
			serious = append(serious, fmt.Sprintf("%s: %s (%d elements)", v.ID, v.Help, v.Nodes))
		}
	}
	return serious
}

// text is the visible text of the element sel selects.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	require.NoError(t, err, sel)
	return s
}

// TestThePagesProofRecipeWorks: the command the page shows, run as shown
// (the key pair in the environment, npm's web-push installed), makes a
// proof the page takes.
func TestThePagesProofRecipeWorks(t *testing.T) {
	store := env.Store(t)
	srv := httptest.NewServer(messagesapi.New(store, messagesapi.Version{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	ctx := browser(t, 1200, 900)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible("#no-keys")))
	recipe := text(t, ctx, "pre")
	require.True(t, strings.HasPrefix(recipe, "VAPID_PUBLIC_KEY=B… VAPID_PRIVATE_KEY=… node -e '"), recipe)
	command := strings.SplitN(recipe, " ", 3)[2] // the environment is set below

	webpush := filepath.Join("..", "..", "tools", "webpush")
	generate := exec.Command("node", "-e", `console.log(JSON.stringify(require("web-push").generateVAPIDKeys()))`)
	generate.Dir = webpush
	keysOut, err := generate.Output()
	require.NoError(t, err, "npm ci --prefix tools/webpush installs web-push")
	var keys struct{ PublicKey, PrivateKey string }
	require.NoError(t, json.Unmarshal(keysOut, &keys))
	run := exec.Command("sh", "-c", command)
	run.Dir = webpush
	run.Env = append(os.Environ(), "VAPID_PUBLIC_KEY="+keys.PublicKey, "VAPID_PRIVATE_KEY="+keys.PrivateKey)
	out, err := run.CombinedOutput()
	require.NoError(t, err, "%s", out)

	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue("#proof", strings.TrimSpace(string(out))), chromedp.Click("#add button"),
		chromedp.WaitVisible(".key h3")))
	assert.Equal(t, keys.PublicKey, text(t, ctx, ".key h3"))
}
