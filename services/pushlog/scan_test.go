package pushlog

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/logfixture"
)

func scanWith(t *testing.T, f func(object []byte, fn func(Delivery) error) (Counts, error), object []byte) (Counts, []Delivery) {
	t.Helper()
	var got []Delivery
	c, err := f(object, func(d Delivery) error { got = append(got, d); return nil })
	require.NoError(t, err)
	return c, got
}

func fast(object []byte, fn func(Delivery) error) (Counts, error) {
	return Scan(bytes.NewReader(object), fn)
}

func slow(object []byte, fn func(Delivery) error) (Counts, error) {
	return ScanAll(bytes.NewReader(object), fn)
}

// mixed is an object as an endpoint and a connection node log it at
// debug level: deliveries delivered and stored, with and without TTL,
// both key forms, senders without VAPID, refused requests, clients' acks
// and hellos, and broken records.
func mixed(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var o logfixture.Object
	for i := range n {
		t := 1796108700 + float64(i)*0.013
		p := logfixture.Push{Time: t, SenderKey: key87, MessageID: fmt.Sprintf("m%05d", i), BodyLength: rng.IntN(5000)}
		switch rng.IntN(12) {
		case 0:
			p.SenderKey = key88
			o.Delivery(p)
		case 1:
			p.TTL = logfixture.TTL(rng.IntN(86400))
			o.Delivery(p)
		case 2:
			p.Stored, p.TTL = true, logfixture.TTL(1+rng.IntN(86400))
			o.Delivery(p)
		case 3:
			o.StoredBefore1583(p)
		case 8:
			o.Dropped(p)
		case 4:
			p.SenderKey = ""
			o.Delivery(p)
		case 5:
			o.RequestTimings(p, 410)
		case 6:
			o.Raw([]byte("\x1e{\"Hostname\": \"cut\n"))
		default:
			// The client's ack carries the message's id and size too:
			// not a delivery of the endpoint's.
			o.Ack(t, p)
			o.Hello(t, p.Client)
		}
	}
	return o.Plain()
}

// TestFastScanFindsWhatTheFullDecodeFinds: on the same objects, plain and
// GZIP, the fast path yields every delivery the full decode yields, in the
// same order.
func TestFastScanFindsWhatTheFullDecodeFinds(t *testing.T) {
	for seed := range uint64(4) {
		data := mixed(seed, 3000)
		for name, obj := range map[string][]byte{"plain": data, "gzip": gz(t, data)} {
			fc, fd := scanWith(t, fast, obj)
			sc, sd := scanWith(t, slow, obj)
			require.NotEmpty(t, sd, "seed %d %s", seed, name)
			assert.Equal(t, sd, fd, "seed %d %s: the same deliveries", seed, name)
			assert.Equal(t, sc.Records, fc.Records)
			assert.Equal(t, sc.Deliveries, fc.Deliveries)
			assert.Equal(t, sc.Malformed, fc.Malformed, "records cut before their end are malformed on both paths")
		}
	}
}

// TestScanCountsEachMessageOnce: a delivered message is logged twice (its
// delivery, its request's timings) and a batch may arrive twice; each
// message counts once, with the first record's time. Stored messages of
// 1.58.4 come from their timings alone.
func TestScanCountsEachMessageOnce(t *testing.T) {
	stored := push("stored", 20)
	stored.Stored = true
	noVapid := push("anonymous", 30)
	noVapid.SenderKey = ""
	data := object(func(o *logfixture.Object) {
		o.Delivery(push("delivered", 10))
		o.Delivery(push("delivered", 10)) // the batch again
		o.Delivery(stored)
		o.Delivery(noVapid)
		o.Raw([]byte("\x1e[not a record]\n"))
	})
	c, got := scanWith(t, fast, data)
	assert.Equal(t, []Delivery{
		{key87, Entry{"delivered", 10, 4096, 60, false}},
		{key87, Entry{"stored", 20.002, 4096, 60, true}},
	}, got)
	assert.Equal(t, Counts{Records: 8, Deliveries: 2, Malformed: 1, Reasons: []string{"byte " + fmt.Sprint(bytes.Index(data, []byte("\x1e[not"))) + ": not a JSON object"}}, c)
}

func TestScanStopsOnTheCallersError(t *testing.T) {
	stop := fmt.Errorf("redis is down")
	_, err := Scan(bytes.NewReader(logOf(push("a", 1))), func(Delivery) error { return stop })
	assert.ErrorIs(t, err, stop)
}

// TestTopLevelNamesAreExact: a record whose "Fields" is spelt otherwise
// ("fields", which encoding/json alone would take for it) holds no
// delivery on either path. Found by an attacker trial.
func TestTopLevelNamesAreExact(t *testing.T) {
	data := strings.Replace(string(logOf(push("m", 5))), `"Fields": {`, `"fields": {`, -1)
	for name, scan := range map[string]func([]byte, func(Delivery) error) (Counts, error){"fast": fast, "full": slow} {
		c, got := scanWith(t, scan, []byte(data))
		assert.Empty(t, got, name)
		assert.Equal(t, Counts{Records: 2}, c, name)
	}
}
