// Package tlsrec reads the TLS record layer (RFC 8446 §5.1, RFC 5246 §6.2)
// as it crosses the wire, sans-IO: a Scanner is fed one direction's bytes
// in whatever pieces the socket returned and reports each record's header
// (type, version, length), and the readable fields of a ClientHello or a
// ServerHello (RFC 8446 §4.1.2, §4.1.3) when a record starts with one.
// It decrypts nothing and takes no part in the handshake: crypto/tls does
// TLS, this only watches it.
package tlsrec

import (
	"errors"
	"fmt"
)

// ContentType is a record's type (RFC 8446 §5.1).
type ContentType uint8

// The record types.
const (
	ChangeCipherSpec ContentType = 20
	Alert            ContentType = 21
	Handshake        ContentType = 22
	ApplicationData  ContentType = 23
)

var typeNames = map[ContentType]string{
	ChangeCipherSpec: "change_cipher_spec",
	Alert:            "alert",
	Handshake:        "handshake",
	ApplicationData:  "application_data",
}

// String returns the RFC's name, "change_cipher_spec", or "type 42".
func (t ContentType) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("type %d", uint8(t))
}

// Handshake message types that a Scanner decodes.
const (
	TypeClientHello = 1
	TypeServerHello = 2
)

// Sizes of the record layer.
const (
	HeaderLen = 5            // type (1), legacy_record_version (2), length (2)
	MaxLength = 1<<14 + 2048 // the largest payload RFC 5246 §6.2.3 allows (TLSCiphertext)
)

// Extension numbers a Scanner reads.
const (
	extServerName        = 0
	extALPN              = 16
	extSupportedVersions = 43
)

// Header is one record's header.
type Header struct {
	Type    ContentType
	Version uint16 // legacy_record_version: 0x0301 or 0x0303 whatever the version spoken
	Length  int    // of the payload that follows
}

// Record is one record as a Scanner saw it: its header, and the hello it
// starts, if any.
type Record struct {
	Header
	Hello *Hello // a ClientHello or ServerHello that begins in this record's payload
	Err   error  // set when the header is not one of TLS's: the Scanner stops there
}

// Hello is the readable part of a ClientHello or ServerHello.
type Hello struct {
	Client       bool
	Retry        bool     // a HelloRetryRequest: the server asks for another ClientHello (RFC 8446 §4.1.4)
	Version      uint16   // legacy_version: 0x0303 in TLS 1.3, which says its version in SupportedVersions
	SNI          string   // server_name's host_name (ClientHello)
	ALPN         []string // offered (ClientHello) or chosen (a TLS 1.2 ServerHello)
	Versions     []uint16 // supported_versions: offered, or the one chosen
	CipherSuites []uint16 // offered, or the one chosen
}

// ErrNotTLS is a record header that no TLS peer sends: an unknown type, a
// version not 3.x, or a length over MaxLength.
var ErrNotTLS = errors.New("tlsrec: not a TLS record")

// Scanner finds the records in one direction's stream. The zero value is
// ready; it holds at most one record (MaxLength) while the record's bytes
// arrive, and only for the first handshake record, to read its hello.
type Scanner struct {
	hdr     [HeaderLen]byte
	nhdr    int    // header bytes held
	left    int    // payload bytes of the current record still to come
	cur     Header // the current record's
	keep    bool   // hold the payload: a handshake record that may start a hello
	payload []byte
	hellos  int // handshake records read for a hello
	more    int // hellos expected beyond the first (ExpectHello)
	err     error
}

// ExpectHello lets the Scanner read one more hello than the first: after a
// HelloRetryRequest (RFC 8446 §4.1.4) the client sends a second
// ClientHello and the server a real ServerHello.
func (s *Scanner) ExpectHello() { s.more++ }

// Write feeds p, the next bytes of the stream, and calls fn for each
// record whose last byte is in p, in order. After an ErrNotTLS record it
// ignores the rest.
func (s *Scanner) Write(p []byte, fn func(Record)) {
	for len(p) > 0 && s.err == nil {
		if s.nhdr < HeaderLen {
			n := copy(s.hdr[s.nhdr:], p)
			s.nhdr += n
			p = p[n:]
			if s.nhdr < HeaderLen {
				return
			}
			s.cur = ParseHeader(s.hdr)
			if !s.cur.Valid() {
				s.err = ErrNotTLS
				fn(Record{Header: s.cur, Err: ErrNotTLS})
				return
			}
			s.left = s.cur.Length
			s.keep = s.cur.Type == Handshake && s.hellos <= s.more
			if s.keep {
				s.hellos++
			}
			s.payload = s.payload[:0]
		}
		n := min(s.left, len(p))
		if s.keep {
			s.payload = append(s.payload, p[:n]...)
		}
		s.left -= n
		p = p[n:]
		if s.left == 0 {
			r := Record{Header: s.cur}
			if s.keep {
				r.Hello, _ = ParseHello(s.payload)
			}
			s.nhdr, s.keep = 0, false
			fn(r)
		}
	}
}

// ParseHeader reads a record header.
func ParseHeader(b [HeaderLen]byte) Header {
	return Header{Type: ContentType(b[0]), Version: uint16(b[1])<<8 | uint16(b[2]), Length: int(b[3])<<8 | int(b[4])}
}

// Valid reports whether h could be a TLS record's header.
func (h Header) Valid() bool {
	_, known := typeNames[h.Type]
	return known && h.Version>>8 == 3 && h.Length <= MaxLength
}

// reader reads big-endian fields off a byte slice; every read past the
// end fails and leaves it failed.
type reader struct {
	b  []byte
	ok bool
}

func (r *reader) bytes(n int) []byte {
	if !r.ok || n < 0 || n > len(r.b) {
		r.ok = false
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) uint(n int) int {
	v := 0
	for _, c := range r.bytes(n) {
		v = v<<8 | int(c)
	}
	return v
}

// vec reads a vector whose length takes n bytes.
func (r *reader) vec(n int) reader {
	return reader{b: r.bytes(r.uint(n)), ok: r.ok}
}

// helloRetryRandom is the random of a ServerHello that is a
// HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
const helloRetryRandom = "\xcf\x21\xad\x74\xe5\x9a\x61\x11\xbe\x1d\x8c\x02\x1e\x65\xb8\x91" +
	"\xc2\xa2\x11\x16\x7a\xbb\x8c\x5e\x07\x9e\x09\xe2\xc8\xa8\x33\x9c"

// errHello is a handshake message that is no hello, or is cut short.
var errHello = errors.New("tlsrec: not a whole ClientHello or ServerHello")

// ParseHello reads the ClientHello or ServerHello at the start of a
// handshake record's payload.
func ParseHello(b []byte) (*Hello, error) {
	r := reader{b: b, ok: true}
	typ := r.uint(1)
	body := r.vec(3)
	if !r.ok || typ != TypeClientHello && typ != TypeServerHello {
		return nil, errHello
	}
	h := &Hello{Client: typ == TypeClientHello}
	h.Version = uint16(body.uint(2))
	random := body.bytes(32)
	h.Retry = !h.Client && string(random) == helloRetryRandom
	body.vec(1) // legacy_session_id
	if h.Client {
		suites := body.vec(2)
		for len(suites.b) >= 2 {
			h.CipherSuites = append(h.CipherSuites, uint16(suites.uint(2)))
		}
		body.vec(1) // legacy_compression_methods
	} else {
		h.CipherSuites = []uint16{uint16(body.uint(2))}
		body.uint(1) // legacy_compression_method
	}
	if !body.ok {
		return nil, errHello
	}
	if len(body.b) == 0 {
		return h, nil // no extensions: TLS 1.2 and older may send none
	}
	exts := body.vec(2)
	for exts.ok && len(exts.b) > 0 {
		typ := exts.uint(2)
		data := exts.vec(2)
		if !exts.ok {
			break
		}
		h.extension(typ, data)
	}
	if !exts.ok {
		return nil, errHello
	}
	return h, nil
}

// extension reads the extensions a Hello shows.
func (h *Hello) extension(typ int, data reader) {
	switch typ {
	case extServerName:
		list := data.vec(2)
		for list.ok && len(list.b) > 0 {
			kind := list.uint(1)
			name := list.vec(2)
			if list.ok && kind == 0 && h.SNI == "" {
				h.SNI = string(name.b)
			}
		}
	case extALPN:
		list := data.vec(2)
		for list.ok && len(list.b) > 0 {
			p := list.vec(1)
			if list.ok {
				h.ALPN = append(h.ALPN, string(p.b))
			}
		}
	case extSupportedVersions:
		if !h.Client {
			if v := data.uint(2); data.ok {
				h.Versions = []uint16{uint16(v)}
			}
			return
		}
		list := data.vec(1)
		for list.ok && len(list.b) >= 2 {
			h.Versions = append(h.Versions, uint16(list.uint(2)))
		}
	}
}
