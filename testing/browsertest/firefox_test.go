package browsertest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/push-turnkey/push-turnkey/testing/syncbuffer"
)

// firefoxBinaries are the names Firefox goes by, Debian's first.
var firefoxBinaries = []string{"firefox-esr", "firefox"}

// pushPrefs point Firefox's push client at a local push server; each is
// read by Firefox's own push code, and the test fails without the first
// three.
func pushPrefs(pushServerURL string) map[string]any {
	return map[string]any{
		"dom.push.serverURL": pushServerURL,
		// ws:// is refused without it (PushService.sys.mjs: only wss, or
		// ws with this pref); a stack with TLS needs no such pref.
		"dom.push.testing.allowInsecureServerURL": true,
		// Without it subscribe() is NotAllowedError: no one answers the
		// permission prompt.
		"dom.push.testing.ignorePermission": true,
		// The push client's log on stdout, for failure messages.
		"dom.push.loglevel":              "All",
		"devtools.console.stdout.chrome": true,
	}
}

// browser is a running Firefox and what it printed.
type browser struct {
	cmd     *exec.Cmd
	out     *syncbuffer.Buffer
	version string
}

// startFirefox runs Firefox headless on url with a fresh profile holding
// prefs, until the test ends. It fails the test when there is no Firefox.
func startFirefox(t *testing.T, url string, prefs map[string]any) *browser {
	t.Helper()
	bin := findFirefox(t)
	version, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", bin, err)
	}
	profile := t.TempDir()
	if err := os.WriteFile(filepath.Join(profile, "user.js"), userJS(prefs), 0o644); err != nil {
		t.Fatal(err)
	}
	out := &syncbuffer.Buffer{}
	cmd := exec.Command(bin, "--headless", "--no-remote", "--profile", profile, url)
	cmd.Stdout, cmd.Stderr = out, out
	// Its content processes are its children: one process group, so
	// stop ends them all.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// HOME: nothing of the user's is read or written.
	cmd.Env = append(os.Environ(), "HOME="+profile, "MOZ_CRASHREPORTER_DISABLE=1")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	b := &browser{cmd: cmd, out: out, version: strings.TrimSpace(string(version))}
	t.Cleanup(b.stop)
	return b
}

// findFirefox is the path of the first Firefox binary on PATH.
func findFirefox(t *testing.T) string {
	t.Helper()
	for _, name := range firefoxBinaries {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Fatalf("no Firefox on PATH (looked for %s); on Debian: apt-get install firefox-esr", strings.Join(firefoxBinaries, ", "))
	return ""
}

// stop ends Firefox's process group: SIGTERM, then SIGKILL after 5 s.
func (b *browser) stop() {
	group := -b.cmd.Process.Pid
	_ = syscall.Kill(group, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(group, syscall.SIGKILL)
		<-done
	}
}

// pushLog is what Firefox's push code logged: the lines of its modules
// (Push, PushService, PushServiceWebSocket, PushDB, BroadcastService).
func (b *browser) pushLog() string {
	var lines []string
	for _, line := range strings.Split(b.out.String(), "\n") {
		if strings.Contains(line, "Push") || strings.Contains(line, "BroadcastService") {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// userJS renders prefs as a profile's user.js, sorted by name.
func userJS(prefs map[string]any) []byte {
	names := make([]string, 0, len(prefs))
	for name := range prefs {
		names = append(names, name)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, name := range names {
		switch v := prefs[name].(type) {
		case string:
			fmt.Fprintf(&b, "user_pref(%q, %q);\n", name, v)
		default:
			fmt.Fprintf(&b, "user_pref(%q, %v);\n", name, v)
		}
	}
	return b.Bytes()
}
