package socks

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sockfetch/internal/testenv"
)

// listen listens on 127.0.0.1:0 and runs serve for every connection until
// the test ends.
func listen(t *testing.T, network string, serve func(net.Conn)) Addr {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "unix" {
		addr = filepath.Join(t.TempDir(), "socks")
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return Addr{Network: network, Address: ln.Addr().String()}
}

// echoServer returns the port of a loopback TCP server that echoes. It
// listens on 127.0.0.1 and, when the port is free there too, on [::1], so
// that a proxy that resolves "localhost" to either reaches it.
func echoServer(t *testing.T) int {
	echo := func(c net.Conn) { io.Copy(c, c) }
	a := listen(t, "tcp", echo)
	_, p, _ := net.SplitHostPort(a.Address)
	port, _ := strconv.Atoi(p)
	if ln, err := net.Listen("tcp", net.JoinHostPort("::1", p)); err == nil {
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					echo(c)
				}()
			}
		}()
	}
	return port
}

// closedPort returns a loopback TCP port nothing listens on.
func closedPort(t *testing.T) int {
	return testenv.FreePort(t)
}

// fake is a scripted SOCKS5 server. Zero fields mean: method 00 (or 02 when
// offered and Auth is set), status 00, reply 00 with bound 0.0.0.0:0, then
// echo.
type fake struct {
	method     int    // method chosen; -1: choose as a plain server would
	authStatus byte   // RFC 1929 status to send
	reply      []byte // whole reply; nil: success
	after      []byte // written in the same segment as the reply
	got        chan []byte
}

func (f *fake) serve(c net.Conn) {
	var got bytes.Buffer
	r := io.TeeReader(c, &got)
	defer func() {
		if f.got != nil {
			f.got <- got.Bytes()
		}
	}()
	h := make([]byte, 2)
	if _, err := io.ReadFull(r, h); err != nil {
		return
	}
	ms := make([]byte, h[1])
	if _, err := io.ReadFull(r, ms); err != nil {
		return
	}
	m := AuthNone
	if bytes.IndexByte(ms, byte(AuthUserPass)) >= 0 {
		m = AuthUserPass
	}
	if f.method >= 0 {
		m = AuthMethod(f.method)
	}
	c.Write([]byte{byte(Version5), byte(m)})
	if m == AuthNoAcceptable {
		return
	}
	if m == AuthUserPass {
		b := make([]byte, 2)
		io.ReadFull(r, b)
		u := make([]byte, b[1]+1)
		io.ReadFull(r, u)
		p := make([]byte, u[len(u)-1])
		io.ReadFull(r, p)
		c.Write([]byte{UserPassVersion, f.authStatus})
		if f.authStatus != 0 {
			return
		}
	}
	req := make([]byte, 5)
	if _, err := io.ReadFull(r, req); err != nil {
		return
	}
	n := 4 + 6 - 5
	switch AddrType(req[3]) {
	case AddrIPv6:
		n = 4 + 18 - 5
	case AddrDomain:
		n = int(req[4]) + 2
	}
	if _, err := io.ReadFull(r, make([]byte, n)); err != nil {
		return
	}
	reply := f.reply
	if reply == nil {
		reply = []byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0}
	}
	c.Write(append(append([]byte(nil), reply...), f.after...))
	if len(reply) > 1 && reply[1] == 0 && addrLen(reply) == len(reply) {
		io.Copy(c, c)
	}
}

// startFake starts a fake SOCKS5 server.
func startFake(t *testing.T, network string, f *fake) Addr {
	if f.method == 0 {
		f.method = -1
	}
	return listen(t, network, f.serve)
}

// startMicrosocks runs Debian's microsocks on a free loopback port, with
// username/password authentication when user is not empty.
func startMicrosocks(t *testing.T, user, pass string) Addr {
	t.Helper()
	bin := testenv.RequireTool(t, "microsocks")
	for try := 0; try < 5; try++ {
		port := strconv.Itoa(testenv.FreePort(t))
		args := []string{"-i", "127.0.0.1", "-p", port}
		if user != "" {
			args = append(args, "-u", user, "-P", pass)
		}
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		testenv.DieWithTest(cmd)
		if err := cmd.Start(); err != nil {
			t.Fatalf("start microsocks: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		addr := net.JoinHostPort("127.0.0.1", port)
		for {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
				t.Cleanup(func() {
					cmd.Process.Kill()
					<-exited
				})
				return Addr{Network: "tcp", Address: addr}
			}
			select {
			case <-exited:
				t.Logf("microsocks on port %s exited (%s); trying another port", port, strings.TrimSpace(stderr.String()))
			case <-time.After(10 * time.Millisecond):
				continue
			}
			break
		}
	}
	t.Fatal("microsocks did not start")
	return Addr{}
}

// record collects the messages Observe receives.
type record struct{ msgs []Message }

func (r *record) observe(m Message) { r.msgs = append(r.msgs, m) }

// String lists the messages one a line: "> greeting 050100 version 5, ...".
func (r *record) String() string {
	var b strings.Builder
	for _, m := range r.msgs {
		dir := "<"
		if m.Send {
			dir = ">"
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", dir, m.Step, hex.EncodeToString(m.Bytes), m.Meaning)
	}
	return b.String()
}

// echoCheck writes through c and expects the same bytes back.
func echoCheck(t *testing.T, c net.Conn) {
	t.Helper()
	msg := []byte("hello through the proxy\r\n")
	if _, err := c.Write(msg); err != nil {
		t.Fatalf("write through the tunnel: %v", err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read through the tunnel: %v", err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("echo = %q, want %q", got, msg)
	}
}

// asError returns err as an *Error or fails the test.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *socks.Error", err, err)
	}
	return e
}

func portHex(p int) string { return fmt.Sprintf("%04x", p) }

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func itoa(i int) string { return strconv.Itoa(i) }
