package logfixture

import (
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// RFC8292Key is the VAPID public key of RFC 8292's example (section 3.2),
// 87 characters, as a sender writes it in its Authorization header.
const RFC8292Key = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs"

// testdata/pinned-delivery.log is one "Successful delivery" record as
// Python's own json module writes it, from a script of ours
// (testdata/pinned-delivery.py), not this package. What is Python's: the
// formatting (json.dumps's separators, ensure_ascii escapes, float repr
// and its three multiplications: 1.796108707771493e+18, where one by 1e9
// would give 1.7961087077714929e+18) and what dict assignment does to key
// order. What is our reading of the 1.58.4 source, not the server's own
// output (no record of a running 1.58.4 server is at hand): the field set
// and their order (autopush/logging.py json_format and FirehoseProcessor;
// autopush/base.py _init_info; autopush/web/webpush.py post; see the
// package comment for each detail), and the values (jwt_crypto_key, 116
// characters for the 87-character key). Python 3's json.dumps has Python
// 2.7's default separators, ensure_ascii and float repr; an OrderedDict
// stands for PyPy's ordered dicts.
// PinnedPush is the request pinnedDelivery records.
var PinnedPush = Push{Time: 1796108707.7714929, SenderKey: RFC8292Key, MessageID: "m-0001", BodyLength: 4096, TTL: TTL(60)}

func TestDeliveryRecordIsPythonsByteForByte(t *testing.T) {
	pinned, err := os.ReadFile("testdata/pinned-delivery.log")
	require.NoError(t, err)
	pinnedDelivery := string(pinned)
	var o Object
	o.Delivery(PinnedPush)
	got := string(o.Plain())
	assert.Equal(t, pinnedDelivery, got[:len(pinnedDelivery)], "the delivery record")
	assert.Contains(t, got[len(pinnedDelivery):], `"message": "Request timings"}`, "then the request's timings")
}

// TestPythonFloat: Python's repr, as python3 printed it for each value.
func TestPythonFloat(t *testing.T) {
	for f, want := range map[float64]string{
		1e16: "1e+16", 1e15: "1000000000000000.0", 1234.5: "1234.5", 0.0001: "0.0001", 0.00001: "1e-05",
		123.0: "123.0", 1796108707.7714929 * 1e9: "1.7961087077714929e+18", 0.0021491050720214844: "0.0021491050720214844",
		9999999999999998.0: "9999999999999998.0", 1.5e-07: "1.5e-07", -2.5: "-2.5", 0: "0.0",
	} {
		assert.Equal(t, want, PythonFloat(f), "%v", f)
	}
}

// TestStringEscapes: json.dumps with ensure_ascii, as python3 printed it.
func TestStringEscapes(t *testing.T) {
	var o Object
	writeString(&o.buf, "caf\u00e9 \x7f \x01 \U0001f600 \"q\" \\ tab\t")
	assert.Equal(t, `"caf\u00e9 \u007f \u0001 \ud83d\ude00 \"q\" \\ tab\t"`, string(o.Plain()))
}

// AttackerKey is the application server public key of RFC 8291's example
// (section 5): a second real P-256 key, the sender's own in
// testdata/pinned-attack.log.
const AttackerKey = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"

// TestAttackRecordIsPythonsByteForByte: the record of a sender that names
// another key first and in a crypto_key claim, with NaN, list and object
// claims, as Python's dict assignment and json module write it
// (testdata/pinned-attack.py): the claim replaces jwt_crypto_key in its
// place, NaN is bare, the object claim is dropped.
func TestAttackRecordIsPythonsByteForByte(t *testing.T) {
	pinned, err := os.ReadFile("testdata/pinned-attack.log")
	require.NoError(t, err)
	victimClaim := "QkExSHh6eWkxUlVNMWI1d2p4c243bkd4QXN6dzJ1NjFtMTY0aTNNckFJeEhGNllLNWg0U0RZaWMtZFJ1VV9SQ1BDZkE1YXE5b2pTd2s1WTJFbUNsQlBz"
	nan := math.NaN()
	p := PinnedPush
	p.MessageID = "m-0002"
	p.SenderKey = AttackerKey
	p.Authorization = "vapid t=" + pinnedJWT + ",k=" + RFC8292Key + ",k=" + AttackerKey
	p.Claims = []Field{
		{"aud", "https://push.example.com"}, {"exp", 1796195106}, {"crypto_key", victimClaim},
		{"n", nan}, {"l", []any{1.5, []Field{{"message", "Successful delivery"}}, nil, true}}, {"d", []Field{{"x", 1}}},
	}
	var o Object
	o.Delivery(p)
	got := string(o.Plain())
	assert.Equal(t, string(pinned), got[:len(pinned)])
}
