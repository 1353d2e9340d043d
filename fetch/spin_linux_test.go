package fetch

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestReadConnSpin: a spinning read returns what a plain read returns:
// bytes that come at once or after the spin, EOF, a reset, a deadline.
func TestReadConnSpin(t *testing.T) {
	cases := []struct {
		name  string
		peer  func(c *net.TCPConn)
		setup func(c net.Conn)
		want  string
		is    error
	}{
		{name: "at once", peer: func(c *net.TCPConn) { c.Write([]byte("ok")) }, want: "ok"},
		{name: "after the spin", peer: func(c *net.TCPConn) { time.Sleep(20 * time.Millisecond); c.Write([]byte("late")) }, want: "late"},
		{name: "EOF", peer: func(c *net.TCPConn) { c.Close() }, is: io.EOF},
		{name: "reset", peer: func(c *net.TCPConn) { c.SetLinger(0); c.Close() }, is: syscall.ECONNRESET},
		{name: "deadline", peer: func(c *net.TCPConn) { time.Sleep(200 * time.Millisecond) },
			setup: func(c net.Conn) { c.SetReadDeadline(time.Now().Add(20 * time.Millisecond)) }, is: os.ErrDeadlineExceeded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			done := make(chan struct{})
			go func() {
				defer close(done)
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				c.Read(make([]byte, 1)) // the request: the dial is done
				tc.peer(c.(*net.TCPConn))
			}()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.Write([]byte("x"))
			if tc.setup != nil {
				tc.setup(c)
			}
			buf := make([]byte, 16)
			n, err := readConn(c, buf, true)
			if tc.is != nil {
				if !errors.Is(err, tc.is) {
					t.Errorf("readConn: %d, %v; want %v", n, err, tc.is)
				}
			} else if err != nil || string(buf[:n]) != tc.want {
				t.Errorf("readConn: %q, %v; want %q", buf[:n], err, tc.want)
			}
			c.Close()
			<-done
		})
	}
}
