package fetch

import "sync"

// copyBufs holds body copy buffers between the transfers of a run: with
// connection reuse one process fetches many URLs, and a fresh 256 KiB buffer
// for each small body cost more than the request itself (page faults and GC;
// BENCHMARKS.md, "50 URLs × 1 KiB").
var copyBufs = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

// copyBuf returns a body copy buffer and the function that gives it back.
func copyBuf() ([]byte, func()) {
	p := copyBufs.Get().(*[]byte)
	return *p, func() { copyBufs.Put(p) }
}
