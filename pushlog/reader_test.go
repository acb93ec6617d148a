package pushlog

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// record frames one log record as the servers send it to Firehose.
func record(t testing.TB, fields map[string]interface{}, timestampNs int64) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]interface{}{
		"Hostname": "i-0abc", "Timestamp": timestampNs, "Type": "twisted:log",
		"Severity": 5, "EnvVersion": "2.0", "Logger": "autoendpoint-1.58.4", "Fields": fields,
	})
	require.NoError(t, err)
	return append(append([]byte{RecordSeparator}, body...), '\n')
}

func delivery(key, id string) map[string]interface{} {
	return map[string]interface{}{
		"message": MessageDelivered, "jwt_crypto_key": key, "message_id": id,
		"message_size": 4096, "message_ttl": 60, "channel_id": "c1", "uaid_hash": "h",
		"router_key": "webpush", "jwt_aud": "https://app.example", "jwt_sub": "mailto:a@example.com",
		"jwt_exp": 1700000000, "encoding": "aes128gcm", "version": "v1",
	}
}

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, err := w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
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
	var object []byte
	object = append(object, record(t, delivery("KEY1", "m1"), 1_700_000_000_123_000_000)...)
	object = append(object, record(t, map[string]interface{}{"message": "Connection made"}, 1_700_000_001_000_000_000)...)
	object = append(object, record(t, delivery("KEY2", "m2"), 1_700_000_002_000_000_000)...)
	for name, data := range map[string][]byte{"plain": object, "gzip": gz(t, object)} {
		t.Run(name, func(t *testing.T) {
			records, malformed := readAll(t, data)
			assert.Empty(t, malformed)
			require.Len(t, records, 3)
			assert.Equal(t, Text("i-0abc"), records[0].Hostname)
			assert.Equal(t, Text("autoendpoint-1.58.4"), records[0].Logger)
			assert.Equal(t, "Connection made", records[1].Message())

			d, ok, err := records[0].Delivery()
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, Delivery{Key: "KEY1", Entry: Entry{ID: "m1", Timestamp: 1_700_000_000.123, Size: 4096, TTL: 60}}, d)
			_, ok, err = records[1].Delivery()
			assert.NoError(t, err)
			assert.False(t, ok, "a connection record is no delivery")
		})
	}
}

func TestSkipsBrokenRecordsAndGoesOn(t *testing.T) {
	var object []byte
	object = append(object, "garbage before the first record"...)
	object = append(object, record(t, delivery("K", "a"), 1)...)
	object = append(object, RecordSeparator, '{', '"', 'x', '\n') // truncated JSON
	object = append(object, RecordSeparator, '\n')                // empty record
	object = append(object, []byte("\x1e{\"Fields\":{}} trailing\n")...)
	object = append(object, RecordSeparator)
	object = append(object, bytes.Repeat([]byte("x"), MaxRecordBytes+10)...) // oversized
	object = append(object, record(t, delivery("K", "b"), 2)...)
	object = append(object, []byte("\x1e[1,2]\n")...) // not an object
	records, malformed := readAll(t, object)
	require.Len(t, records, 2)
	assert.Equal(t, "a", mustDelivery(t, records[0]).Entry.ID)
	assert.Equal(t, "b", mustDelivery(t, records[1]).Entry.ID)
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

func TestDeliveryRules(t *testing.T) {
	stored := delivery("K", "s")
	stored["message"] = MessageStored
	noVapid := delivery("", "n")
	delete(noVapid, "jwt_crypto_key")
	stringSize := delivery("K", "q")
	stringSize["message_size"] = "512"
	cases := map[string]struct {
		fields  map[string]interface{}
		ok      bool
		problem string
	}{
		"stored":              {stored, true, ""},
		"without VAPID":       {noVapid, false, ""},
		"empty VAPID key":     {delivery("", "e"), false, ""},
		"size as a string":    {stringSize, true, ""},
		"other message":       {map[string]interface{}{"message": "Successful delivery!"}, false, ""},
		"missing message_id":  {withoutField(delivery("K", "x"), "message_id"), false, "Fields.message_id is missing"},
		"negative ttl":        {withField(delivery("K", "x"), "message_ttl", -5), false, "Fields.message_ttl"},
		"size not a number":   {withField(delivery("K", "x"), "message_size", "big"), false, "Fields.message_size"},
		"message_id a number": {withField(delivery("K", "x"), "message_id", 7), false, "Fields.message_id is not a string"},
		"message_id null":     {withField(delivery("K", "x"), "message_id", nil), false, "Fields.message_id is missing"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			records, _ := readAll(t, record(t, tc.fields, 5_000_000_000))
			require.Len(t, records, 1)
			d, ok, err := records[0].Delivery()
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.ok, ok)
			if ok {
				assert.Equal(t, 5.0, d.Entry.Timestamp)
			}
		})
	}
}

func TestOddTypesOutsideTheDeliveryFields(t *testing.T) {
	body := `{"Hostname": 12, "Timestamp": 2000000000, "Type": "twisted:log", "Severity": "5", "EnvVersion": 2.0,
		"Logger": null, "Fields": {"message": "Successful delivery", "jwt_crypto_key": "K", "message_id": "m",
		"message_size": 1, "message_ttl": 2}}`
	records, malformed := readAll(t, append([]byte{RecordSeparator}, body...))
	require.Empty(t, malformed)
	require.Len(t, records, 1)
	assert.Equal(t, Text("12"), records[0].Hostname)
	assert.Equal(t, Text("2.0"), records[0].EnvVersion)
	d := mustDelivery(t, records[0])
	assert.Equal(t, 2.0, d.Entry.Timestamp)

	for _, ts := range []string{"1790000000.5", "1e30", "9223372036854775808", "-5", `"soon"`} {
		body := `{"Timestamp": ` + ts + `, "Fields": {"message": "Successful delivery", "jwt_crypto_key": "K",
			"message_id": "m", "message_size": 1, "message_ttl": 2}}`
		records, _ := readAll(t, append([]byte{RecordSeparator}, body...))
		if len(records) == 0 {
			continue // not even a record: counted as malformed
		}
		_, _, err := records[0].Delivery()
		assert.ErrorContains(t, err, "nanoseconds", ts)
	}
}

func withField(m map[string]interface{}, k string, v interface{}) map[string]interface{} {
	m[k] = v
	return m
}

func withoutField(m map[string]interface{}, k string) map[string]interface{} {
	delete(m, k)
	return m
}

func TestBrokenGzipIsAnError(t *testing.T) {
	data := gz(t, record(t, delivery("K", "a"), 1))
	_, err := NewReader(bytes.NewReader(data[:5]))
	require.Error(t, err, "a cut GZIP header cannot be opened")

	r, err := NewReader(bytes.NewReader(data[:len(data)-12]))
	require.NoError(t, err)
	for {
		_, err = r.Next()
		var m *MalformedError
		if errors.As(err, &m) {
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
	f.Add(record(f, delivery("K", "a"), 1))
	f.Add([]byte("\x1e{}\n\x1e\x1e\x1e{\"Fields\":{\"message\":\"Successful delivery\",\"jwt_crypto_key\":\"k\"}}"))
	f.Add(gz(f, record(f, delivery("K", "a"), 1)))
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
