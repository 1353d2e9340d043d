package fetch

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"testing"
)

// member returns one gzip member of s with the given header flags; FEXTRA
// carries 6 bytes, FNAME and FCOMMENT n bytes each.
func member(s string, flags byte, n int) []byte {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write([]byte(s))
	w.Close()
	data := z.Bytes()[10 : z.Len()-8]
	h := []byte{0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 255}
	if flags&gzipFEXTRA != 0 {
		h = append(h, 6, 0, 'A', 'B', 2, 0, 'x', 'y')
	}
	for _, f := range []byte{gzipFNAME, gzipFCOMMENT} {
		if flags&f != 0 {
			h = append(append(h, strings.Repeat("n", n)...), 0)
		}
	}
	if flags&gzipFHCRC != 0 {
		h = binary.LittleEndian.AppendUint16(h, uint16(crc32.ChecksumIEEE(h)))
	}
	m := append(h, data...)
	m = binary.LittleEndian.AppendUint32(m, crc32.ChecksumIEEE([]byte(s)))
	return binary.LittleEndian.AppendUint32(m, uint32(len(s)))
}

func gunzip(b []byte) (string, error) {
	r, err := newGzipReader(bufio.NewReader(bytes.NewReader(b)))
	if err != nil {
		return "", err
	}
	out, err := io.ReadAll(r)
	return string(out), err
}

func TestGzipReader(t *testing.T) {
	all := byte(gzipFEXTRA | gzipFNAME | gzipFCOMMENT | gzipFHCRC)
	long := member("long header\n", all, 4000) // compress/gzip: ErrHeader
	if _, err := gzip.NewReader(bytes.NewReader(long)); !errors.Is(err, gzip.ErrHeader) {
		t.Fatalf("compress/gzip takes the long header (%v): the test shows nothing", err)
	}
	badHCRC := member("x", all, 3)
	badHCRC[10+8+4+4+1] ^= 1 // the FHCRC's high byte, after FEXTRA, FNAME, FCOMMENT
	badCRC := member("x", 0, 0)
	badCRC[len(badCRC)-8] ^= 1
	badSize := member("x", 0, 0)
	badSize[len(badSize)-1] ^= 1
	reserved := member("x", 0x20, 0)
	tests := []struct {
		name string
		in   []byte
		want string
		err  error
	}{
		{"plain", member("hello", 0, 0), "hello", nil},
		{"every flag, 4000-byte name and comment", long, "long header\n", nil},
		{"FEXTRA alone", member("e", gzipFEXTRA, 0), "e", nil},
		{"two members", append(member("one ", all, 600), member("two", 0, 0)...), "one two", nil},
		{"member then junk", append(member("one", 0, 0), "junk after the member"...), "one", gzip.ErrHeader},
		{"bad header CRC", badHCRC, "", gzip.ErrHeader},
		{"bad data CRC", badCRC, "x", gzip.ErrChecksum},
		{"bad ISIZE", badSize, "x", gzip.ErrChecksum},
		{"reserved flag", reserved, "", gzip.ErrHeader},
		{"not gzip", []byte("hello world"), "", gzip.ErrHeader},
		{"cut in the header", long[:200], "", io.ErrUnexpectedEOF},
		{"cut in the trailer", member("x", 0, 0)[:20], "x", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		got, err := gunzip(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) { // errors.Is(err, nil): err == nil
			t.Errorf("%s: %q, %v; want %q, %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}
