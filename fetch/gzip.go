package fetch

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"hash"
	"hash/crc32"
	"io"
)

// gzip header flags (RFC 1952 §2.3.1).
const (
	gzipFHCRC    = 1 << 1
	gzipFEXTRA   = 1 << 2
	gzipFNAME    = 1 << 3
	gzipFCOMMENT = 1 << 4
	gzipReserved = 0xe0
)

// gzipReader decodes gzip members (RFC 1952) one after another, as
// compress/gzip does in its multistream mode, but reads each header itself:
// compress/gzip refuses a header whose FNAME or FCOMMENT is longer than 512
// bytes (ErrHeader), where zlib, and so curl, takes any length. FEXTRA is
// skipped by its length, FNAME and FCOMMENT to their NUL, FHCRC is checked;
// the data goes to compress/flate and the trailer's CRC-32 and ISIZE are
// checked. Errors are gzip.ErrHeader, gzip.ErrChecksum, flate's, or
// io.ErrUnexpectedEOF for a member cut short.
type gzipReader struct {
	br   *bufio.Reader
	fr   io.ReadCloser // the current member's data
	crc  hash.Hash32   // of the current member's data
	size uint32        // of the current member's data, mod 2^32
	err  error         // sticky
}

// newGzipReader reads the first member's header from br.
func newGzipReader(br *bufio.Reader) (io.Reader, error) {
	z := &gzipReader{br: br, crc: crc32.NewIEEE()}
	if err := z.header(); err != nil {
		return nil, err
	}
	return z, nil
}

// header reads one member header and starts its data.
func (z *gzipReader) header() error {
	hc := crc32.NewIEEE()
	r := io.TeeReader(z.br, hc)
	var h [10]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return noEOF(err)
	}
	if h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 || h[3]&gzipReserved != 0 {
		return gzip.ErrHeader
	}
	flags := h[3]
	if flags&gzipFEXTRA != 0 {
		var n [2]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return noEOF(err)
		}
		if _, err := io.CopyN(io.Discard, r, int64(binary.LittleEndian.Uint16(n[:]))); err != nil {
			return noEOF(err)
		}
	}
	for _, f := range []byte{gzipFNAME, gzipFCOMMENT} {
		if flags&f == 0 {
			continue
		}
		for {
			b, err := z.br.ReadByte()
			if err != nil {
				return noEOF(err)
			}
			hc.Write([]byte{b})
			if b == 0 {
				break
			}
		}
	}
	if flags&gzipFHCRC != 0 {
		sum := uint16(hc.Sum32())
		var c [2]byte
		if _, err := io.ReadFull(z.br, c[:]); err != nil {
			return noEOF(err)
		}
		if binary.LittleEndian.Uint16(c[:]) != sum {
			return gzip.ErrHeader
		}
	}
	if z.fr == nil {
		z.fr = flate.NewReader(z.br)
	} else if err := z.fr.(flate.Resetter).Reset(z.br, nil); err != nil {
		return err
	}
	z.crc.Reset()
	z.size = 0
	return nil
}

func (z *gzipReader) Read(p []byte) (int, error) {
	for z.err == nil {
		n, err := z.fr.Read(p)
		z.crc.Write(p[:n])
		z.size += uint32(n)
		if err != io.EOF {
			z.err = err
			return n, err
		}
		z.err = z.trailer()
		if n > 0 || z.err != nil {
			return n, z.err
		}
	}
	return 0, z.err
}

// trailer checks the current member's trailer and reads the next member's
// header, if any; io.EOF means the stream ended after the member.
func (z *gzipReader) trailer() error {
	var t [8]byte
	if _, err := io.ReadFull(z.br, t[:]); err != nil {
		return noEOF(err)
	}
	if binary.LittleEndian.Uint32(t[:4]) != z.crc.Sum32() || binary.LittleEndian.Uint32(t[4:]) != z.size {
		return gzip.ErrChecksum
	}
	if _, err := z.br.Peek(1); err != nil {
		return err // io.EOF: the last member
	}
	return z.header()
}

// noEOF turns io.EOF inside a member into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
