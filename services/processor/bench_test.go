package processor_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/push-turnkey/push-turnkey/services/processor"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
	"github.com/push-turnkey/push-turnkey/testing/logfixture"
)

// benchObjectBytes is the uncompressed size of the benchmark's log object.
const benchObjectBytes = 64 << 20

var (
	benchOnce sync.Once
	benchKeys []string
	benchGzip []byte
	benchRaw  int
)

// benchObject is a 64 MiB log object, GZIP-compressed, with the record
// mix and the varying values of debug logs (logfixture.DebugMix: one
// record in seven a delivery, two in seven records to decode, about 11:1
// compressed), over 50 keys of which 25 are registered.
func benchObject(b *testing.B) {
	benchOnce.Do(func() {
		for i := 0; i < 50; i++ {
			benchKeys = append(benchKeys, vapidKey(b))
		}
		var o logfixture.Object
		o.DebugMix(rand.New(rand.NewPCG(1, 2)), benchKeys, benchObjectBytes)
		benchRaw = o.Len()
		benchGzip = o.Gzip()
	})
}

// peakHeap samples the heap (live and not yet swept objects) while f runs
// and returns its peak, MiB.
func peakHeap(f func()) float64 {
	runtime.GC()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// runtime/metrics reads without stopping the world, unlike
		// runtime.ReadMemStats, so sampling does not slow the work down.
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak {
				peak = v
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return float64(peak) / (1 << 20)
}

func registerBenchKeys(b *testing.B) *pushmessages.Store {
	ctx := context.Background()
	store := env.Store(b)
	for _, k := range benchKeys[:25] {
		if err := store.Register(ctx, k); err != nil {
			b.Fatal(err)
		}
	}
	return store
}

func process(b *testing.B, store processor.Store) {
	sum, err := processor.Process(context.Background(), bytes.NewReader(benchGzip), store)
	if err != nil || sum.Matched == 0 {
		b.Fatalf("process: %+v, %v", sum, err)
	}
}

// gunzip decompresses the object with the decompressor the processor uses
// (klauspost/compress/gzip), so the two differ only by the processor's own
// work.
func gunzip(b *testing.B) {
	z, err := gzip.NewReader(bytes.NewReader(benchGzip))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, z); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkProcess64MiB: the processor on the object, Redis included;
// bytes are the uncompressed object, so MB/s compares with
// BenchmarkGunzip64MiB.
func BenchmarkProcess64MiB(b *testing.B) {
	benchObject(b)
	store := registerBenchKeys(b)
	b.SetBytes(int64(benchRaw))
	b.ResetTimer()
	var peak float64
	for b.Loop() {
		peak = max(peak, peakHeap(func() { process(b, store) }))
	}
	b.ReportMetric(peak, "peak-heap-MiB")
}

// BenchmarkGunzip64MiB: plain GZIP decompression of the same object, the
// floor for any reader of Firehose objects.
func BenchmarkGunzip64MiB(b *testing.B) {
	benchObject(b)
	b.SetBytes(int64(benchRaw))
	b.ResetTimer()
	var peak float64
	for b.Loop() {
		peak = max(peak, peakHeap(func() { gunzip(b) }))
	}
	b.ReportMetric(peak, "peak-heap-MiB")
}

// BenchmarkProcessToGunzip64MiB reports the speed of the processor as a
// share of the speed of decompression (speed-ratio; the target is 0.5 or
// more) and the processor's peak heap (target: 64 MiB at most), measuring
// the two alternately in one run so that the machine's load falls on both
// alike.
func BenchmarkProcessToGunzip64MiB(b *testing.B) {
	benchObject(b)
	store := registerBenchKeys(b)
	b.SetBytes(int64(benchRaw))
	b.ResetTimer()
	var processing, decompressing time.Duration
	for b.Loop() {
		start := time.Now()
		process(b, store)
		processing += time.Since(start)
		start = time.Now()
		gunzip(b)
		decompressing += time.Since(start)
	}
	b.ReportMetric(float64(decompressing)/float64(processing), "speed-ratio")
	b.ReportMetric(peakHeap(func() { process(b, store) }), "peak-heap-MiB")
}
