package pushlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/logfixture"
)

// Keys: the RFC 8292 example key (87 characters), and the same key as a
// sender may write it, with padding (88).
const (
	key87 = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs"
	key88 = key87 + "="
)

// push is a delivered message of key87 at t seconds, TTL 60.
func push(id string, t float64) logfixture.Push {
	return logfixture.Push{Time: t, SenderKey: key87, MessageID: id, BodyLength: 4096, TTL: logfixture.TTL(60)}
}

// object writes records as the server does and returns the object.
func object(write func(o *logfixture.Object)) []byte {
	var o logfixture.Object
	write(&o)
	return o.Plain()
}

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var o logfixture.Object
	o.Raw(data)
	return o.Gzip()
}

// readAll returns the records and the malformed ones' reasons.
func readAll(t testing.TB, object []byte) ([]Record, []string) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(object))
	require.NoError(t, err)
	defer r.Close()
	var records []Record
	var malformed []string
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return records, malformed
		}
		var m *MalformedError
		if errors.As(err, &m) {
			malformed = append(malformed, m.Reason)
			continue
		}
		require.NoError(t, err)
		records = append(records, rec)
	}
}

func TestReadsPlainAndGzipObjects(t *testing.T) {
	data := object(func(o *logfixture.Object) {
		o.Delivery(push("m1", 1796108707.7714929))
		o.Hello(1796108708, logfixture.Client{UAIDHash: "x"})
	})
	for name, data := range map[string][]byte{"plain": data, "gzip": gz(t, data)} {
		t.Run(name, func(t *testing.T) {
			records, malformed := readAll(t, data)
			assert.Empty(t, malformed)
			require.Len(t, records, 3, "delivery, its request's timings, a hello")
			assert.Equal(t, Text("ip-10-20-3-4.ec2.internal"), records[0].Hostname)
			assert.Equal(t, Text(logfixture.EndpointLogger), records[0].Logger)
			assert.Equal(t, MessageTimings, records[1].Message())

			want := Delivery{Key: key87, Entry: Entry{ID: "m1", Timestamp: 1796108707.771493, Size: 4096, TTL: 60}}
			assert.Equal(t, want, mustDelivery(t, records[0]), "the delivery record")
			timings := mustDelivery(t, records[1])
			assert.Equal(t, want.Key, timings.Key, "the timings record reports the same message")
			assert.Equal(t, want.Entry.ID, timings.Entry.ID)
			_, ok, err := records[2].Delivery()
			assert.NoError(t, err)
			assert.False(t, ok, "a ping is no delivery")
		})
	}
}

func TestSkipsBrokenRecordsAndGoesOn(t *testing.T) {
	var object []byte
	object = append(object, "garbage before the first record"...)
	object = append(object, logOf(push("a", 1))...)
	object = append(object, RecordSeparator, '{', '"', 'x', '\n') // truncated JSON
	object = append(object, RecordSeparator, '\n')                // empty record
	object = append(object, []byte("\x1e{\"Fields\":{}} trailing\n")...)
	object = append(object, RecordSeparator)
	object = append(object, bytes.Repeat([]byte("x"), MaxRecordBytes+10)...) // oversized
	object = append(object, logOf(push("b", 2))...)
	object = append(object, []byte("\x1e[1,2]\n")...) // not an object
	records, malformed := readAll(t, object)
	require.Len(t, records, 4)
	assert.Equal(t, "a", mustDelivery(t, records[0]).Entry.ID)
	assert.Equal(t, "b", mustDelivery(t, records[2]).Entry.ID)
	require.Len(t, malformed, 6)
	assert.Contains(t, malformed[0], "outside a record")
	assert.Contains(t, malformed[1], "invalid JSON")
	assert.Equal(t, "empty record", malformed[2])
	assert.Contains(t, malformed[3], "after top-level value")
	assert.Contains(t, malformed[4], "longer than")
	assert.Equal(t, "not a JSON object", malformed[5])
}

func mustDelivery(t *testing.T, r Record) Delivery {
	t.Helper()
	d, ok, err := r.Delivery()
	require.NoError(t, err)
	require.True(t, ok)
	return d
}

// logOf is the records of one request.
func logOf(p logfixture.Push) []byte {
	return object(func(o *logfixture.Object) { o.Delivery(p) })
}

// first reads the first record of data.
func first(t *testing.T, data []byte) Record {
	t.Helper()
	records, malformed := readAll(t, data)
	require.Empty(t, malformed)
	require.NotEmpty(t, records)
	return records[0]
}

// TestDeliveryRules reads records written the way the server writes them
// (logfixture) and records with one field changed from that form.
func TestDeliveryRules(t *testing.T) {
	noTTL := push("n", 5)
	noTTL.TTL = nil
	padded := push("p", 5)
	padded.SenderKey = key88
	noVapid := push("v", 5)
	noVapid.SenderKey = ""
	stored := push("s", 5)
	stored.Stored = true
	cases := map[string]struct {
		data []byte
		want Delivery // zero: not a delivery
	}{
		"delivered":                    {logOf(push("d", 5)), Delivery{key87, Entry{"d", 5, 4096, 60, false}}},
		"without TTL":                  {logOf(noTTL), Delivery{key87, Entry{"n", 5, 4096, 0, false}}},
		"88-character key":             {logOf(padded), Delivery{key87, Entry{"p", 5, 4096, 60, false}}},
		"without VAPID":                {logOf(noVapid), Delivery{}},
		"stored, 1.58.4":               {logOf(stored), Delivery{key87, Entry{"s", 5.002, 4096, 60, true}}},
		"stored, before 1.58.3":        {object(func(o *logfixture.Object) { o.StoredBefore1583(push("o", 5)) }), Delivery{key87, Entry{"o", 5, 4096, 60, true}}},
		"timings of a refused request": {object(func(o *logfixture.Object) { o.RequestTimings(push("r", 5), 413) }), Delivery{}},
		"dropped, TTL 0 and offline":   {object(func(o *logfixture.Object) { o.Dropped(push("z", 5)) }), Delivery{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			d, ok, err := first(t, tc.data).Delivery()
			require.NoError(t, err)
			assert.Equal(t, tc.want != Delivery{}, ok)
			if ok {
				assert.Equal(t, tc.want, d)
			}
		})
	}

	broken := map[string]struct{ old, new, problem string }{
		"missing message_id":  {`"message_id": "d", `, ``, "Fields.message_id is missing"},
		"message_id a number": {`"message_id": "d"`, `"message_id": 7`, "Fields.message_id is not a string"},
		"negative TTL":        {`"message_ttl": 60`, `"message_ttl": -5`, "Fields.message_ttl"},
		"size not a number":   {`"message_size": 4096`, `"message_size": "big"`, "Fields.message_size"},
		"negative timestamp":  {`"Timestamp": 5000000000.0`, `"Timestamp": -5.0`, "Timestamp"},
		"no authorization":    {`"authorization": "vapid`, `"authorisation": "vapid`, "Fields.authorization is missing"},
		"key without header":  {`"authorization": "vapid t=`, `"authorization": "", "x": "`, "without an Authorization header"},
	}
	for name, tc := range broken {
		t.Run(name, func(t *testing.T) {
			data := string(logOf(push("d", 5)))
			require.Contains(t, data, tc.old)
			_, _, err := first(t, []byte(strings.Replace(data, tc.old, tc.new, 1))).Delivery()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.problem)
		})
	}
	text := strings.Replace(string(logOf(push("q", 5))), `"message_size": 4096`, `"message_size": "512"`, 1)
	d := mustDelivery(t, first(t, []byte(text)))
	assert.Equal(t, int64(512), d.Entry.Size, "a number logged as a string")
}

// TestTimestamps: the server's float, in exponent form or not, kept to the
// microsecond.
func TestTimestamps(t *testing.T) {
	for ts, want := range map[string]float64{
		"1.796108707771493e+18":  1796108707.771493,
		"1.7961087077714929e+18": 1796108707.771493,
		"1796108707000000000":    1796108707,
		"1796108707500000000.0":  1796108707.5,
		"1.7e+18":                1.7e9,
	} {
		got, err := Seconds(json.Number(ts))
		require.NoError(t, err, ts)
		assert.Equal(t, want, got, ts)
	}
	for _, ts := range []string{"-1.0", "NaN", "1e400", "soon", ""} {
		_, err := Seconds(json.Number(ts))
		assert.Error(t, err, ts)
	}
}

func TestOddTypesOutsideTheDeliveryFields(t *testing.T) {
	data := string(logOf(push("m", 2)))
	data = strings.Replace(data, `"Hostname": "ip-10-20-3-4.ec2.internal"`, `"Hostname": 12`, 1)
	data = strings.Replace(data, `"EnvVersion": "2.0"`, `"EnvVersion": 2.0`, 1)
	data = strings.Replace(data, `"Severity": 5`, `"Severity": "5"`, 1)
	rec := first(t, []byte(data))
	assert.Equal(t, Text("12"), rec.Hostname)
	assert.Equal(t, Text("2.0"), rec.EnvVersion)
	assert.Equal(t, 2.0, mustDelivery(t, rec).Entry.Timestamp)
}

func TestBrokenGzipIsAnError(t *testing.T) {
	data := gz(t, logOf(push("a", 1)))
	_, err := NewReader(bytes.NewReader(data[:5]))
	require.Error(t, err, "a cut GZIP header cannot be opened")

	r, err := NewReader(bytes.NewReader(data[:len(data)-12]))
	require.NoError(t, err)
	for {
		_, err = r.Next()
		var m *MalformedError
		if err == nil || errors.As(err, &m) {
			continue
		}
		break
	}
	require.Error(t, err)
	assert.False(t, errors.Is(err, io.EOF), "a truncated GZIP stream is a read error, not the end: %v", err)
	assert.True(t, strings.Contains(err.Error(), "read log object"))
}

func TestEmptyObject(t *testing.T) {
	records, malformed := readAll(t, nil)
	assert.Empty(t, records)
	assert.Empty(t, malformed)
	records, malformed = readAll(t, gz(t, nil))
	assert.Empty(t, records)
	assert.Empty(t, malformed)
}

// FuzzReader: any input ends in io.EOF or an error, never a panic, and the
// reader never holds more than a bounded buffer.
func FuzzReader(f *testing.F) {
	f.Add(logOf(push("a", 1)))
	f.Add([]byte("\x1e{}\n\x1e\x1e\x1e{\"Fields\":{\"message\":\"Successful delivery\",\"jwt_crypto_key\":\"k\"}}"))
	f.Add(gz(f, logOf(push("a", 1))))
	f.Add([]byte{0x1f, 0x8b, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		defer r.Close()
		for i := 0; i <= len(data)+1; i++ {
			rec, err := r.Next()
			var m *MalformedError
			switch {
			case errors.Is(err, io.EOF):
				return
			case errors.As(err, &m):
				continue
			case err != nil:
				return
			}
			_, _, _ = rec.Delivery()
		}
		// A GZIP stream may expand beyond len(data); plain input may not.
		if !bytes.HasPrefix(data, gzipMagic) {
			t.Fatalf("more records than input bytes: the reader does not advance")
		}
	})
}
