// Package processor turns one Firehose log object into the recent-message
// lists of registered VAPID keys: it streams the object's records, keeps the
// deliveries whose key is registered, and pushes each key's newest entries
// onto its Redis list.
package processor

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/push-turnkey/push-turnkey/services/pushlog"
	"github.com/push-turnkey/push-turnkey/services/pushmessages"
)

// Summary counts what one object held; the Lambda logs it per object and
// publishes it as metrics.
type Summary struct {
	pushlog.Counts
	Matched int `json:"matched"` // deliveries for registered keys
	Keys    int `json:"keys"`    // registered keys whose list grew
}

// Store is what the processor needs of pushmessages.Store. Push takes
// entries newest first and must be idempotent (see pushmessages.Store.Push).
type Store interface {
	RegisteredKeys(ctx context.Context) (map[string]bool, error)
	Push(ctx context.Context, key string, entries []pushlog.Entry) error
}

var _ Store = (*pushmessages.Store)(nil)

// Process reads one log object (plain or GZIP) and pushes the deliveries of
// registered keys. Memory stays bounded: records are streamed, and per key
// only the newest pushmessages.MaxMessages entries are kept. A read or
// store failure is returned, so the caller (Lambda) retries the object;
// malformed records are counted and skipped.
func Process(ctx context.Context, object io.Reader, store Store) (Summary, error) {
	var sum Summary
	registered, err := store.RegisteredKeys(ctx)
	if err != nil {
		return sum, err
	}
	// Per key, the newest entries: appended in log order, cut back to
	// the newest MaxMessages whenever twice as many piled up (no heap of
	// interfaces: nothing is allocated per delivery but the entry).
	newest := map[string][]ranked{}
	seq := 0 // position in the object: the tie-breaker among equal timestamps
	sum.Counts, err = pushlog.Scan(object, func(d pushlog.Delivery) error {
		if !registered[d.Key] {
			return nil
		}
		sum.Matched++
		seq++
		kept := append(newest[d.Key], ranked{d.Entry, seq})
		if len(kept) >= 2*pushmessages.MaxMessages {
			kept = newestFirst(kept)[:pushmessages.MaxMessages]
		}
		newest[d.Key] = kept
		return nil
	})
	if err != nil {
		return sum, err
	}

	keys := make([]string, 0, len(newest))
	for k := range newest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		kept := newestFirst(newest[key])
		kept = kept[:min(len(kept), pushmessages.MaxMessages)]
		entries := make([]pushlog.Entry, len(kept))
		for i, r := range kept {
			entries[i] = r.Entry
		}
		if err := store.Push(ctx, key, entries); err != nil {
			return sum, fmt.Errorf("key %s: %w", key, err)
		}
		sum.Keys++
	}
	return sum, nil
}

// ranked is an entry with its position in the object.
type ranked struct {
	pushlog.Entry
	seq int
}

// older orders by timestamp, then by position: of two deliveries logged in
// the same instant, the later record is the newer.
func (r ranked) older(than ranked) bool {
	if r.Timestamp != than.Timestamp {
		return r.Timestamp < than.Timestamp
	}
	return r.seq < than.seq
}

// newestFirst sorts entries newest first, in place.
func newestFirst(entries []ranked) []ranked {
	sort.Slice(entries, func(i, j int) bool { return entries[j].older(entries[i]) })
	return entries
}
