// Command server is the benchmarks' loopback HTTP/1.1 origin. It serves
// generated bodies from memory, fast enough that the client under test is
// always the bottleneck:
//
//	/cl/SIZE       SIZE bytes with Content-Length
//	/chunked/SIZE  SIZE bytes in 16 KiB chunks (Transfer-Encoding: chunked)
//
// SIZE is a number with an optional k, m or g suffix (powers of 1024), as in
// /cl/1k, /cl/10m, /chunked/1g. Every response ends the connection, but
// under /ka/ (/ka/cl/1k): those keep it open for the next request, as a
// server does with HTTP/1.1's persistent connections.
//
// The bytes come from one pre-made 1 MiB unit (plain data for Content-Length,
// 64 framed chunks for chunked) repeated as often as needed. With -mode
// sendfile (the default) the unit lives in a memfd and goes to the socket by
// sendfile(2), so the server copies nothing; -mode write sends it with 1 MiB
// write(2) calls instead; -unit sets the unit's size in KiB.
//
// The server listens on -addr (127.0.0.1:0 by default) and prints its base
// URL, e.g. "http://127.0.0.1:43121", as the first line on standard output.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// chunkSize is the chunk-data size of chunked responses.
const chunkSize = 16 << 10

// unitChunks is how many chunks one chunked unit holds (1 MiB of data by
// default), and unitSize the size of one Content-Length unit.
var (
	unitChunks = 64
	unitSize   = int64(unitChunks * chunkSize)
)

// chunkFrame is one chunk's framing before the data: "4000\r\n".
var chunkFrame = fmt.Sprintf("%x\r\n", chunkSize)

// frameLen is the wire size of one full chunk, framing included.
var frameLen = len(chunkFrame) + chunkSize + 2

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	mode := flag.String("mode", "sendfile", "how bodies go out: sendfile or write")
	unit := flag.Int("unit", 1024, "`KiB` per write or sendfile call, a multiple of 16")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("server: ")
	if *unit < chunkSize>>10 || *unit%(chunkSize>>10) != 0 {
		log.Fatalf("-unit %d: want a positive multiple of %d", *unit, chunkSize>>10)
	}
	unitChunks = *unit / (chunkSize >> 10)
	unitSize = int64(unitChunks * chunkSize)

	s, err := newServer(*mode)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	os.Stdout.Sync()
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go s.serve(c.(*net.TCPConn))
	}
}

// server holds the two pre-made units.
type server struct {
	sendfile bool
	plain    unit // unitSize bytes of data
	chunked  unit // unitChunks full chunks, framing included
}

// unit is a pre-made run of body bytes, in memory and in a memfd.
type unit struct {
	buf []byte
	fd  int // memfd holding buf, for sendfile
}

func newServer(mode string) (*server, error) {
	if mode != "sendfile" && mode != "write" {
		return nil, fmt.Errorf("unknown mode %q (want sendfile or write)", mode)
	}
	data := pattern(int(unitSize))
	var ch bytes.Buffer
	for range unitChunks {
		ch.WriteString(chunkFrame)
		ch.Write(data[:chunkSize])
		ch.WriteString("\r\n")
	}
	s := &server{sendfile: mode == "sendfile"}
	var err error
	if s.plain, err = newUnit("plain", data); err != nil {
		return nil, err
	}
	if s.chunked, err = newUnit("chunked", ch.Bytes()); err != nil {
		return nil, err
	}
	return s, nil
}

// pattern returns n bytes of printable text in 64-byte lines.
func pattern(n int) []byte {
	const line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.\n"
	b := make([]byte, n)
	for i := 0; i < n; i += len(line) {
		copy(b[i:], line)
	}
	return b
}

func newUnit(name string, b []byte) (unit, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC)
	if err != nil {
		return unit{}, fmt.Errorf("memfd: %w", err)
	}
	for off := 0; off < len(b); {
		n, err := unix.Pwrite(fd, b[off:], int64(off))
		if err != nil {
			return unit{}, fmt.Errorf("fill memfd: %w", err)
		}
		off += n
	}
	return unit{buf: b, fd: fd}, nil
}

// serve answers requests on c: one, and closes the connection, but for
// paths under /ka/, after which it reads the next.
func (s *server) serve(c *net.TCPConn) {
	defer c.Close()
	br := bufio.NewReaderSize(c, 4096)
	for s.answer(c, br) {
	}
}

// answer answers one request and reports whether the connection stays open.
func (s *server) answer(c *net.TCPConn, br *bufio.Reader) bool {
	path, err := readRequest(br)
	if errors.Is(err, io.EOF) {
		return false
	}
	if err != nil {
		fmt.Fprintf(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		return false
	}
	rest, keep := strings.CutPrefix(path, "/ka/")
	if keep {
		path = "/" + rest
	}
	kind, size, ok := route(path)
	if !ok {
		fmt.Fprintf(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		return false
	}
	if kind == "cl" {
		err = s.writeLength(c, size, keep)
	} else {
		err = s.writeChunked(c, size, keep)
	}
	if err != nil && !errors.Is(err, unix.EPIPE) && !errors.Is(err, unix.ECONNRESET) {
		log.Printf("%s: %v", path, err)
	}
	return err == nil && keep
}

// connField is the Connection field of a response: none when the
// connection stays open.
func connField(keep bool) string {
	if keep {
		return ""
	}
	return "Connection: close\r\n"
}

// readRequest reads a request head and returns its target.
func readRequest(br *bufio.Reader) (string, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return "", err
	}
	f := strings.Fields(line)
	if len(f) != 3 {
		return "", fmt.Errorf("bad request line %q", line)
	}
	for {
		l, err := br.ReadSlice('\n')
		if err != nil {
			return "", err
		}
		if len(bytes.TrimRight(l, "\r\n")) == 0 {
			return f[1], nil
		}
	}
}

// route splits /cl/10m into "cl" and 10485760.
func route(path string) (kind string, size int64, ok bool) {
	kind, arg, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !ok || (kind != "cl" && kind != "chunked") {
		return "", 0, false
	}
	size, err := parseSize(arg)
	return kind, size, err == nil
}

// parseSize parses "1k", "10m", "1g" or a plain byte count.
func parseSize(s string) (int64, error) {
	mul := int64(1)
	switch {
	case strings.HasSuffix(s, "k"):
		mul = 1 << 10
	case strings.HasSuffix(s, "m"):
		mul = 1 << 20
	case strings.HasSuffix(s, "g"):
		mul = 1 << 30
	}
	if mul != 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mul, nil
}

func (s *server) writeLength(c *net.TCPConn, size int64, keep bool) error {
	head := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"+
		"Content-Length: %d\r\n%s\r\n", size, connField(keep))
	if _, err := io.WriteString(c, head); err != nil {
		return err
	}
	return s.send(c, s.plain, size/unitSize, int(size%unitSize))
}

func (s *server) writeChunked(c *net.TCPConn, size int64, keep bool) error {
	head := "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n" +
		"Transfer-Encoding: chunked\r\n" + connField(keep) + "\r\n"
	if _, err := io.WriteString(c, head); err != nil {
		return err
	}
	full := size / chunkSize // whole chunks
	if err := s.send(c, s.chunked, full/int64(unitChunks), int(full%int64(unitChunks))*frameLen); err != nil {
		return err
	}
	var tail []byte
	if r := size % chunkSize; r > 0 {
		tail = fmt.Appendf(tail, "%x\r\n", r)
		tail = append(tail, s.plain.buf[:r]...)
		tail = append(tail, "\r\n"...)
	}
	tail = append(tail, "0\r\n\r\n"...)
	_, err := c.Write(tail)
	return err
}

// send writes u n times, then its first rest bytes.
func (s *server) send(c *net.TCPConn, u unit, n int64, rest int) error {
	for i := int64(0); i <= n; i++ {
		m := len(u.buf)
		if i == n {
			m = rest
		}
		if m == 0 {
			continue
		}
		if !s.sendfile {
			if _, err := c.Write(u.buf[:m]); err != nil {
				return err
			}
			continue
		}
		if err := sendfile(c, u.fd, m); err != nil {
			return err
		}
	}
	return nil
}

// sendfile sends the first n bytes of the file fd to c with sendfile(2),
// waiting in Go's poller whenever the socket buffer is full.
func sendfile(c *net.TCPConn, fd, n int) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var off int64
	var serr error
	err = rc.Write(func(sock uintptr) bool {
		for off < int64(n) {
			w, err := unix.Sendfile(int(sock), fd, &off, n-int(off))
			if err == nil && w == 0 {
				serr = io.ErrUnexpectedEOF // the memfd is shorter than n
				return true
			}
			if err == unix.EAGAIN {
				return false
			}
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				serr = err
				return true
			}
		}
		return true
	})
	if serr != nil {
		return fmt.Errorf("sendfile: %w", serr)
	}
	return err
}
