package processor_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/push-turnkey/push-turnkey/internal/logfixture"
	"github.com/push-turnkey/push-turnkey/processor"
)

// benchObjectBytes is the uncompressed size of the benchmark's log object.
const benchObjectBytes = 64 << 20

var (
	benchOnce sync.Once
	benchKeys []string
	benchGzip []byte
	benchRaw  int
)

// benchObject is a 64 MiB log object, GZIP-compressed: one record in ten a
// delivery, spread over 50 keys of which 25 are registered.
func benchObject(b *testing.B) {
	benchOnce.Do(func() {
		for i := 0; i < 50; i++ {
			benchKeys = append(benchKeys, vapidKey(b))
		}
		var o logfixture.Object
		for i := 0; o.Len() < benchObjectBytes; i++ {
			ts := int64(1_790_000_000)*second + int64(i)*1e6
			if i%10 == 0 {
				o.Delivery(ts, benchKeys[i/10%len(benchKeys)], fmt.Sprintf("m%d", i), 2048, 86400)
			} else {
				o.Record(ts, "autopush-1.58.4", map[string]interface{}{
					"message": "Websocket ping", "uaid_hash": fmt.Sprintf("%08x", i), "remote_ip": "198.51.100.7",
				})
			}
		}
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

// BenchmarkProcess64MiB: the processor on the object; bytes are the
// uncompressed object, so MB/s compares with BenchmarkGunzip64MiB.
func BenchmarkProcess64MiB(b *testing.B) {
	benchObject(b)
	ctx := context.Background()
	store := env.Store(b)
	for _, k := range benchKeys[:25] {
		if err := store.Register(ctx, k); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(benchRaw))
	b.ResetTimer()
	var peak float64
	for b.Loop() {
		p := peakHeap(func() {
			sum, err := processor.Process(ctx, bytes.NewReader(benchGzip), store)
			if err != nil || sum.Matched == 0 {
				b.Fatalf("process: %+v, %v", sum, err)
			}
		})
		peak = max(peak, p)
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
		p := peakHeap(func() {
			z, err := gzip.NewReader(bytes.NewReader(benchGzip))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, z); err != nil {
				b.Fatal(err)
			}
		})
		peak = max(peak, p)
	}
	b.ReportMetric(peak, "peak-heap-MiB")
}
