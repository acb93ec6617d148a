package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/logfixture"
)

const key87 = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs"

// TestPrintsEveryDelivery: a GZIP object written as the server writes it,
// with deliveries in both key forms, with and without TTL, a stored one,
// a sender without VAPID and a broken record, read from a file and from
// standard input.
func TestPrintsEveryDelivery(t *testing.T) {
	var o logfixture.Object
	o.Delivery(logfixture.Push{Time: 1796108707.7714929, SenderKey: key87, MessageID: "a", BodyLength: 4096, TTL: logfixture.TTL(60)})
	o.Delivery(logfixture.Push{Time: 1796108708, SenderKey: key87 + "=", MessageID: "b", BodyLength: 10})
	o.Delivery(logfixture.Push{Time: 1796108709, SenderKey: key87, MessageID: "c", BodyLength: 20, TTL: logfixture.TTL(5), Stored: true})
	o.Delivery(logfixture.Push{Time: 1796108710, MessageID: "anonymous", BodyLength: 30})
	o.Raw([]byte("\x1e{cut\n"))
	file := filepath.Join(t.TempDir(), "push-logs-1.gz")
	require.NoError(t, os.WriteFile(file, o.Gzip(), 0o600))

	for name, args := range map[string][]string{"file": {file}, "stdin": {"-"}} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(args, bytes.NewReader(o.Gzip()), &stdout, &stderr)
			require.Equal(t, 0, code, stderr.String())
			var got []map[string]any
			for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
				var m map[string]any
				require.NoError(t, json.Unmarshal([]byte(l), &m), l)
				got = append(got, m)
			}
			assert.Equal(t, []map[string]any{
				{"key": key87, "id": "a", "timestamp": 1796108707.771493, "size": 4096.0, "ttl": 60.0},
				{"key": key87, "id": "b", "timestamp": 1796108708.0, "size": 10.0, "ttl": 0.0},
				{"key": key87, "id": "c", "timestamp": 1796108709.002, "size": 20.0, "ttl": 5.0, "stored": true},
			}, got)
			assert.Contains(t, stderr.String(), "8 records, 3 deliveries, 0 unattributed, 0 unreadable, 1 malformed")
			assert.Contains(t, stderr.String(), "not a JSON object")
			assert.NotContains(t, stdout.String()+stderr.String(), "vapid t=", "no Authorization header copied out")
		})
	}
}

func TestFailures(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, run(nil, nil, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "usage")

	var o logfixture.Object
	o.Delivery(logfixture.Push{Time: 1, SenderKey: key87, MessageID: "a", BodyLength: 1})
	data := o.Gzip()
	stderr.Reset()
	assert.Equal(t, 1, run([]string{"-", filepath.Join(t.TempDir(), "missing.gz")}, bytes.NewReader(data[:len(data)-10]), &stdout, &stderr))
	assert.Contains(t, stderr.String(), "-: read log object")
	assert.Contains(t, stderr.String(), "missing.gz: open")
}

var updateSample = flag.Bool("update-sample", false, "rewrite testdata/sample.log.gz")

// sampleKeys are the senders of the sample object: RFC 8292's example key
// and RFC 8291's example application server key.
var sampleKeys = []string{key87, "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"}

// TestSampleObject: testdata/sample.log.gz, the object the usage and the
// README tell a newcomer to try, is a small debug-level mix as 1.58.4
// servers log it (logfixture.DebugMix), and the command reads deliveries
// of both senders from it.
func TestSampleObject(t *testing.T) {
	var o logfixture.Object
	o.DebugMix(rand.New(rand.NewPCG(17, 2026)), sampleKeys, 48<<10)
	if *updateSample {
		require.NoError(t, os.WriteFile("testdata/sample.log.gz", o.Gzip(), 0o644))
	}
	data, err := os.ReadFile("testdata/sample.log.gz")
	require.NoError(t, err, "go test ./cmd/pushlog -run TestSampleObject -update-sample writes it")
	var plain bytes.Buffer
	z, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	_, err = plain.ReadFrom(z)
	require.NoError(t, err)
	assert.Equal(t, o.Plain(), plain.Bytes(), "the sample is the mix as logfixture writes it")

	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"testdata/sample.log.gz"}, nil, &stdout, &stderr), stderr.String())
	keys := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m))
		keys[m["key"].(string)]++
	}
	assert.Len(t, keys, 2, "deliveries of both senders")
	assert.Contains(t, stderr.String(), "0 unreadable, 0 malformed")
}

// TestHelp: -h prints the usage on standard output and succeeds; another
// flag is bad usage.
func TestHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, run([]string{"-h"}, nil, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "usage: go run ./cmd/pushlog FILE...")
	assert.Contains(t, stdout.String(), "cmd/pushlog/testdata/sample.log.gz")
	stdout.Reset()
	assert.Equal(t, 2, run([]string{"-x"}, nil, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "unknown flag -x")
}
