package pushstandin

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// autopush 1.58.4 runs on Python 2.7; these read input as its built-ins
// do, so the stand-in takes and refuses the same text.

// truthy is Python's bool(v) for a decoded JSON value.
func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		return v != ""
	case json.Number:
		f, err := v.Float64()
		return err != nil || f != 0
	case float64:
		return v != 0
	case []any:
		return len(v) > 0
	case map[string]any:
		return len(v) > 0
	}
	return true
}

// parseUUID is Python 2.7's uuid.UUID(s): "urn:" and "uuid:" removed,
// braces stripped from the ends, every '-' removed, then 32 characters
// that long(x, 16) reads (whitespace around them and after a '+', a
// "0x" prefix and an 'L' suffix allowed; non-ASCII digits, which long
// also reads, are not). It returns str() of the result, the lower-case dashed form.
func parseUUID(s string) (string, bool) {
	h := strings.ReplaceAll(strings.ReplaceAll(s, "urn:", ""), "uuid:", "")
	h = strings.ReplaceAll(strings.Trim(h, "{}"), "-", "")
	if len(h) != 32 {
		return "", false
	}
	const space = " \t\n\r\v\f"
	h = strings.TrimLeft(strings.TrimPrefix(strings.Trim(h, space), "+"), space)
	if len(h) > 2 && (h[:2] == "0x" || h[:2] == "0X") {
		h = h[2:]
	}
	if n := len(h); n > 1 && (h[n-1] == 'L' || h[n-1] == 'l') {
		h = h[:n-1]
	}
	v, ok := new(big.Int).SetString(h, 16)
	if !ok || strings.ContainsAny(h, "+-_") {
		return "", false
	}
	x := v.Text(16)
	x = strings.Repeat("0", 32-len(x)) + x
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:], true
}

// pyInt is Python's int(v) for a decoded JSON value, as a float64 for
// comparing with the clock: numbers truncate toward zero, true is 1, a
// string needs optional whitespace and sign around ASCII digits. ok is
// false where int() raises.
func pyInt(v any) (float64, bool) {
	switch v := v.(type) {
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		return math.Trunc(f), err == nil
	case float64:
		return math.Trunc(v), true
	case string:
		t := strings.TrimSpace(v)
		digits := strings.TrimLeft(t, "+-")
		if len(t)-len(digits) > 1 || digits == "" || strings.Trim(digits, "0123456789") != "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(t, 64)
		return f, err == nil
	}
	return 0, false
}

// jsonObject is json.loads of UTF-8 text that must give a dict, numbers
// kept as written; ok is false for anything else.
func jsonObject(b []byte) (map[string]any, bool) {
	if !utf8.Valid(b) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil || m == nil || dec.Decode(&struct{}{}) != io.EOF {
		return nil, false
	}
	return m, true
}
