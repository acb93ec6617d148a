package pushstandin

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The readers of python.go against what CPython 2.7.18, the interpreter
// autopush 1.58.4 runs on, answers for the same input (each expected value
// printed by python2.7; "fails" where it raises).

const fails = "fails"

// TestUUIDAsPython2ReadsIt: str(uuid.UUID(s)) (websocket.py:1124, 1174).
func TestUUIDAsPython2ReadsIt(t *testing.T) {
	for _, tc := range [][2]string{
		{"aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"},
		{"AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA", "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"},
		{"{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}", "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"},
		{"urn:uuid:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"},
		{"+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "0aaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"},
		{"+ aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "00aaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"},
		{"0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "00aaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaL", "0aaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \t", "00aaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"},
		{"c1", fails},
		{"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", fails},
		{"++aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", fails},
		{"a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-", fails},
		{"", fails},
	} {
		got, ok := parseUUID(tc[0])
		if tc[1] == fails {
			assert.False(t, ok, "%q gave %q", tc[0], got)
			continue
		}
		assert.True(t, ok, "%q", tc[0])
		assert.Equal(t, tc[1], got, "%q", tc[0])
	}
}

// TestIntAsPython2ReadsIt: int(v) of a JSON value (web/webpush.py:443,
// python-jose jwt.py:259, 284).
func TestIntAsPython2ReadsIt(t *testing.T) {
	for text, want := range map[string]any{
		`" 12 "`: 12.0, `"+5"`: 5.0, `"-5"`: -5.0, `"007"`: 7.0, `"\t7\n"`: 7.0,
		`"1e3"`: nil, `"12.0"`: nil, `""`: nil, `"0x10"`: nil, `"+-5"`: nil, `"5 5"`: nil,
		`1.9`: 1.0, `-1.9`: -1.0, `true`: 1.0, `1700000000`: 1700000000.0,
		`null`: nil, `[1]`: nil, `{}`: nil,
	} {
		v, _ := jsonObject([]byte(`{"v":` + text + `}`))
		got, ok := pyInt(v["v"])
		if want == nil {
			assert.False(t, ok, text)
			continue
		}
		assert.True(t, ok, text)
		assert.Equal(t, want, got, text)
	}
}
