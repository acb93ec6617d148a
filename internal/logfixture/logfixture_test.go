package logfixture

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// RFC8292Key is the VAPID public key of RFC 8292's example (section 3.2),
// 87 characters, as a sender writes it in its Authorization header.
const RFC8292Key = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs"

// pinnedDelivery is one "Successful delivery" record byte for byte as
// autoendpoint 1.58.4 writes it (autopush/logging.py json_format and
// FirehoseProcessor; autopush/base.py _init_info; autopush/web/webpush.py
// post; see the package comment for each detail). The bytes were produced
// by Python's own json module, not by this package:
//
//	python3 -c 'import json,base64; from collections import OrderedDict as O; ...
//	print("\x1e" + json.dumps(O([("Hostname", ...), ("Timestamp", 1796108707.7714929*1000*1000*1000), ...]), skipkeys=True) + "\n")'
//
// (Python 3's json.dumps has Python 2.7's default separators, ensure_ascii
// and float repr; an OrderedDict stands for PyPy's ordered dicts.) Note
// the three multiplications: 1.796108707771493e+18, where one by 1e9
// would give 1.7961087077714929e+18; and jwt_crypto_key, 116 characters
// for the 87-character key.
const pinnedDelivery = "\x1e" + `{"Hostname": "ip-10-20-3-4.ec2.internal", "Timestamp": 1.796108707771493e+18, "Type": "twisted:log", "Severity": 5, "EnvVersion": "2.0", "Fields": {"log_namespace": "autopush.web.webpush.WebPushHandler", "request_id": "c6f3f6b4-3f43-4a2e-9a4f-7e1f0b8d2a11", "user_agent": "web-push-libs/pywebpush 1.14.0", "remote_ip": "203.0.113.9", "authorization": "vapid t=eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5jb20iLCJleHAiOjE3OTYxOTUxMDYsInN1YiI6Im1haWx0bzpvcHNAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJl,k=BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs", "message_ttl": 60, "uri": "/wpush/v2/gAAAAABlxxxxxxxxxxxxxxxxxxxxxxxx", "python_version": "2.7.13 (7.3.0+dfsg-1~ppa1~ubuntu18.04, Dec 24 2019, 08:33:28)\n[PyPy 7.3.0 with GCC 7.4.0]", "jwt_crypto_key": "QkExSHh6eWkxUlVNMWI1d2p4c243bkd4QXN6dzJ1NjFtMTY0aTNNckFJeEhGNllLNWg0U0RZaWMtZFJ1VV9SQ1BDZkE1YXE5b2pTd2s1WTJFbUNsQlBz", "jwt_aud": "https://push.example.com", "jwt_exp": 1796195106, "jwt_sub": "mailto:ops@example.com", "message_id": "m-0001", "uaid_hash": "d1b8d4c5e0a6f2b3", "channel_id": "0b1a6b0d8b5c4d6e9f112f2f6c7a9d10", "router_key": "webpush", "message_size": 4096, "version": "gAAAAABlm-0001", "encoding": "aes128gcm", "message": "Successful delivery"}, "Logger": "Autoendpoint-1.58.4"}` + "\n"

// PinnedPush is the request pinnedDelivery records.
var PinnedPush = Push{Time: 1796108707.7714929, SenderKey: RFC8292Key, MessageID: "m-0001", BodyLength: 4096, TTL: TTL(60)}

func TestDeliveryRecordIsTheServersByteForByte(t *testing.T) {
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
