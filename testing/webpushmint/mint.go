// Package webpushmint makes VAPID key pairs and the Authorization values
// npm's web-push makes with them (tools/webpush/mint.js), as a developer
// makes a proof for the dashboard: the tests' proofs come from the
// library, not from this project's code. scripts/test.sh installs it
// (npm ci --prefix tools/webpush).
package webpushmint

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Minted is a key pair (URL-safe base64, as web-push prints it) and the
// Authorization value web-push made with it.
type Minted struct {
	PublicKey     string `json:"publicKey"`
	PrivateKey    string `json:"privateKey"`
	Authorization string `json:"authorization"`
}

// Mint runs web-push for a new key pair, aud and exp; it fails t when
// node or web-push is missing.
func Mint(t testing.TB, aud string, exp time.Time) Minted {
	t.Helper()
	out, err := exec.Command("node", filepath.Join(moduleRoot(t), "tools", "webpush", "mint.js"), aud, strconv.FormatInt(exp.Unix(), 10)).Output()
	if err != nil {
		t.Fatalf("node tools/webpush/mint.js (npm ci --prefix tools/webpush installs web-push): %v", err)
	}
	var m Minted
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("mint.js printed no key pair: %v", err)
	}
	return m
}

// moduleRoot is the directory of the go.mod above the test's.
func moduleRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
