package pushlog

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/push-turnkey/push-turnkey/testing/logfixture"
)

// BenchmarkScan64MiB: the fast path alone on a 64 MiB plain object of the
// debug-log mix (logfixture.DebugMix), no decompression.
func BenchmarkScan64MiB(b *testing.B) {
	var o logfixture.Object
	o.DebugMix(rand.New(rand.NewPCG(1, 2)), []string{key87, key88}, 64<<20)
	data := o.Plain()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Scan(bytes.NewReader(data), func(Delivery) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
