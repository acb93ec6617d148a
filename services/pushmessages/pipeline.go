package pushmessages

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// PipelineHash is the Redis hash where the processor notes its last read
// of a log object: read_at and written_at, Unix seconds.
const PipelineHash = "pipeline"

// Read is the processor's last read of a log object: when it read it, and
// when Firehose had written it (the S3 event's time), so the gap is how
// far the processor trails the logs.
type Read struct {
	At, Written time.Time
}

// RecordRead notes r as the processor's last read.
func (s *Store) RecordRead(ctx context.Context, r Read) error {
	err := s.Redis.HSet(ctx, PipelineHash, "read_at", r.At.Unix(), "written_at", r.Written.Unix()).Err()
	if err != nil {
		return fmt.Errorf("note the processor's read in redis: %w", err)
	}
	return nil
}

// LastRead returns the processor's last read; ok is false before its
// first.
func (s *Store) LastRead(ctx context.Context) (r Read, ok bool, err error) {
	values, err := s.Redis.HMGet(ctx, PipelineHash, "read_at", "written_at").Result()
	if errors.Is(err, redis.Nil) {
		return Read{}, false, nil
	}
	if err != nil {
		return Read{}, false, fmt.Errorf("read the processor's last read from redis: %w", err)
	}
	var times [2]time.Time
	for i, v := range values {
		text, isText := v.(string)
		if !isText {
			return Read{}, false, nil
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return Read{}, false, fmt.Errorf("redis %s holds %q, not Unix seconds", PipelineHash, text)
		}
		times[i] = time.Unix(n, 0)
	}
	return Read{At: times[0], Written: times[1]}, true, nil
}
