package pybase64

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rfc8292Key is the VAPID public key of RFC 8292's example (section 3.2).
const rfc8292Key = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs"

// TestRepad: autopush jwt.py repad adds '=' up to a multiple of four.
func TestRepad(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a===", "ab": "ab==", "abc": "abc=", "abcd": "abcd", "abcde": "abcde==="} {
		assert.Equal(t, want, Repad(in), in)
	}
}

// TestAsPython27Answered: urlsafe_b64decode(repad(s)), each expected value
// printed by CPython 2.7.18, the interpreter autopush 1.58.4 runs on
// ("fails" where it raised).
func TestAsPython27Answered(t *testing.T) {
	const fails = "fails"
	for _, tc := range [][2]string{
		{"QUJD", "414243"}, {"QUJ", "4142"}, {"QU", "41"}, {"Q", fails}, {"QUI=", "4142"}, {"QUI==", "4142"},
		{"Q===", fails}, {"-_8B", "fbff01"}, {"+/8B", "fbff01"}, {"-/8+", "fbff3e"}, {"QU JD", "414243"},
		{"Q.U.J.D", "414243"}, {"QU=JD", "414243"}, {"QUJ=D", "4142"}, {"QUJD=QUJD", "414243414243"},
		{"==QUJD", "414243"}, {"QUI=\u0000", "4142"}, {"QUJD\u00c4", "414243"},
	} {
		got, err := URLSafeDecode(Repad(tc[0]))
		if tc[1] == fails {
			assert.Error(t, err, "%q", tc[0])
			continue
		}
		if assert.NoError(t, err, "%q", tc[0]) {
			assert.Equal(t, tc[1], hex.EncodeToString(got), "%q", tc[0])
		}
	}
}

// TestAgainstPython: URLSafeDecode decodes as Python's own
// base64.urlsafe_b64decode, run here by python3 on thousands of inputs.
// Python 3's non-strict a2b_base64 takes the same input as Python 2.7's
// (both skip characters outside the alphabet, skip a '=' before the third
// character of a quad or one not followed by a second '=' in the third
// place, stop at a pad that ends a quad, and refuse an incomplete quad;
// CPython Modules/binascii.c).
func TestAgainstPython(t *testing.T) {
	inputs := []string{
		"", "QQ", "QQ==", "QQ=", "QUI=", "QUJD", "Q===", "QQ=x=", "QQ==QUJD", "QUI=QUJD", "QU=I=",
		"-_-_", "+/+/", "Q Q==", "Q\nQ\r==", "QQ\x80==", "Q!Q@==", "====", "=QQ==", "QUJ", "Q",
		rfc8292Key, rfc8292Key + "=", rfc8292Key + "==", "*" + rfc8292Key, strings.NewReplacer("-", "+", "_", "/").Replace(rfc8292Key),
	}
	rng := rand.New(rand.NewPCG(8292, 8291))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/====  !.\n\x80\xff"
	for range 3000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	want := python3(t, `
import base64, binascii, sys
for line in sys.stdin:
    s = bytes.fromhex(line.strip())
    try:
        print(base64.urlsafe_b64decode(s).hex())
    except (binascii.Error, ValueError):
        print("error")
`, inputs)
	for i, in := range inputs {
		got, err := URLSafeDecode(in)
		if want[i] == "error" {
			assert.Error(t, err, "%q", in)
			continue
		}
		if assert.NoError(t, err, "%q", in) {
			assert.Equal(t, want[i], hex.EncodeToString(got), "%q", in)
		}
	}
}

// python3 runs script with one hex-encoded input per line on standard
// input and returns its output lines.
func python3(t *testing.T, script string, inputs []string) []string {
	t.Helper()
	var stdin bytes.Buffer
	for _, in := range inputs {
		stdin.WriteString(hex.EncodeToString([]byte(in)) + "\n")
	}
	cmd := exec.Command("python3", "-c", script)
	cmd.Stdin = &stdin
	out, err := cmd.Output()
	require.NoError(t, err, "python3 (scripts/test.sh installs it)")
	var lines []string
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
		lines = append(lines, sc.Text())
	}
	require.Len(t, lines, len(inputs))
	return lines
}
