// Package logfixture writes Firehose log objects in the exact record format
// of the autopush servers (reference: autopush.md), for tests and
// benchmarks.
package logfixture

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
)

// Object builds a log object record by record.
type Object struct {
	buf bytes.Buffer
}

// Record appends one record: 0x1E, the JSON object, a newline.
func (o *Object) Record(timestampNs int64, logger string, fields map[string]interface{}) {
	body, err := json.Marshal(map[string]interface{}{
		"Hostname": "ip-10-20-3-4", "Timestamp": timestampNs, "Type": "twisted:log",
		"Severity": 5, "EnvVersion": "2.0", "Logger": logger, "Fields": fields,
	})
	if err != nil {
		panic(fmt.Sprintf("logfixture: marshal record: %v", err)) // only plain values
	}
	o.buf.WriteByte(0x1E)
	o.buf.Write(body)
	o.buf.WriteByte('\n')
}

// Delivery appends a "Successful delivery" record from an endpoint node.
func (o *Object) Delivery(timestampNs int64, vapidKey, messageID string, size, ttl int) {
	o.Record(timestampNs, "autoendpoint-1.58.4", DeliveryFields(vapidKey, messageID, size, ttl))
}

// DeliveryFields are the Fields of a delivery record as autopush logs them.
func DeliveryFields(vapidKey, messageID string, size, ttl int) map[string]interface{} {
	f := map[string]interface{}{
		"message": "Successful delivery", "message_id": messageID, "message_size": size,
		"message_ttl": ttl, "channel_id": "0b1a6b0d-8b5c-4d6e-9f11-2f2f6c7a9d10",
		"uaid_hash": "5a2b1c", "router_key": "webpush", "jwt_aud": "https://app.example.com",
		"jwt_sub": "mailto:ops@example.com", "jwt_exp": 1795000000, "encoding": "aes128gcm", "version": "v1",
	}
	if vapidKey != "" {
		f["jwt_crypto_key"] = vapidKey
	}
	return f
}

// Raw appends bytes as they are (for broken records).
func (o *Object) Raw(b []byte) { o.buf.Write(b) }

// Len is the object's size so far, in bytes.
func (o *Object) Len() int { return o.buf.Len() }

// Plain returns the object uncompressed.
func (o *Object) Plain() []byte { return o.buf.Bytes() }

// Gzip returns the object GZIP-compressed, as Firehose writes it.
func (o *Object) Gzip() []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	_, _ = w.Write(o.buf.Bytes()) // writes to a bytes.Buffer cannot fail
	_ = w.Close()
	return out.Bytes()
}
