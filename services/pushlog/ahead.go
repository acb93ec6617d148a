package pushlog

import (
	"io"
	"sync"
)

// Read-ahead: the GZIP stream is decompressed by a goroutine of its own
// into a few fixed buffers while the records of the previous ones are
// read, so decompressing and reading overlap where a second core is free.
const (
	aheadChunk   = 256 << 10
	aheadBuffers = 4
)

type chunk struct {
	buf []byte
	n   int
	err error
}

// readAhead reads src in a goroutine; Close stops it.
type readAhead struct {
	full, free chan *chunk
	cur        *chunk
	off        int
	err        error
	stop       chan struct{}
	done       sync.WaitGroup
}

func newReadAhead(src io.Reader) *readAhead {
	r := &readAhead{
		full: make(chan *chunk, aheadBuffers),
		free: make(chan *chunk, aheadBuffers),
		stop: make(chan struct{}),
	}
	for range aheadBuffers {
		r.free <- chunkPool.Get().(*chunk)
	}
	r.done.Add(1)
	go func() {
		defer r.done.Done()
		defer close(r.full)
		for {
			var c *chunk
			select {
			case c = <-r.free:
			case <-r.stop:
				return
			}
			// Fill the buffer; src's own error (io.EOF at the end, the
			// GZIP reader's io.ErrUnexpectedEOF for a cut stream) stays.
			c.n, c.err = 0, nil
			for c.n < len(c.buf) && c.err == nil {
				var n int
				n, c.err = src.Read(c.buf[c.n:])
				c.n += n
			}
			select {
			case r.full <- c:
			case <-r.stop:
				return
			}
			if c.err != nil {
				return
			}
		}
	}()
	return r
}

func (r *readAhead) Read(p []byte) (int, error) {
	for r.cur == nil || r.off == r.cur.n {
		if r.cur != nil {
			if r.cur.err != nil {
				r.err = r.cur.err
			}
			r.free <- r.cur
			r.cur = nil
		}
		if r.err != nil {
			return 0, r.err
		}
		c, ok := <-r.full
		if !ok {
			return 0, io.EOF
		}
		r.cur, r.off = c, 0
	}
	n := copy(p, r.cur.buf[r.off:r.cur.n])
	r.off += n
	return n, nil
}

// Close stops the goroutine, waits for it and gives the buffers back.
func (r *readAhead) Close() {
	close(r.stop)
	r.done.Wait()
	if r.cur != nil {
		chunkPool.Put(r.cur)
	}
	for _, ch := range []chan *chunk{r.free, r.full} {
	drain:
		for {
			select {
			case c, ok := <-ch:
				if !ok {
					break drain
				}
				chunkPool.Put(c)
			default:
				break drain
			}
		}
	}
}

// chunkPool keeps the buffers between objects: a Lambda instance reads
// object after object, and fresh megabytes each time would only feed the
// garbage collector.
var chunkPool = sync.Pool{New: func() any { return &chunk{buf: make([]byte, aheadChunk)} }}
