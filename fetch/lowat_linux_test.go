package fetch

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestLowatCopy checks that the low-water mark changes no byte and no
// outcome: a complete body ends without waiting for the close, a short one
// ends at the close, and bytes queued when the socket fails are written.
func TestLowatCopy(t *testing.T) {
	const n = 4 * proxyLowat
	tests := []struct {
		name     string
		send     int  // bytes the server writes
		close    bool // then closes; else it keeps the connection open
		deadline bool // the client's deadline passes once send bytes are queued
		wantErr  bool
	}{
		{name: "complete, connection kept open", send: n},
		{name: "complete, then closed", send: n, close: true},
		{name: "cut in the tail", send: n - 1000, close: true},
		{name: "cut before the tail", send: proxyLowat + 5, close: true},
		{name: "deadline with bytes below the mark", send: 1000, deadline: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := bytes.Repeat([]byte("0123456789abcdef"), n/16)[:tt.send]
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			release := make(chan struct{})
			defer close(release)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				c.Write(body)
				if !tt.close {
					<-release
				}
			}()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			tcp := c.(*net.TCPConn)
			if tt.deadline {
				waitQueued(t, tcp, tt.send)
				tcp.SetDeadline(time.Unix(1, 0))
			}
			file, err := os.Create(filepath.Join(t.TempDir(), "body"))
			if err != nil {
				t.Fatal(err)
			}
			defer file.Close()

			got, err := lowatCopy(file, tcp, n)
			if (err != nil) != tt.wantErr {
				t.Fatalf("lowatCopy: %v", err)
			}
			if tt.wantErr && !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("lowatCopy: %v, want a deadline error", err)
			}
			if got != int64(tt.send) {
				t.Errorf("lowatCopy copied %d bytes, want %d", got, tt.send)
			}
			file.Seek(0, io.SeekStart)
			out, _ := io.ReadAll(file)
			if !bytes.Equal(out, body) {
				t.Errorf("file holds %d bytes, not the %d sent", len(out), len(body))
			}
		})
	}
}

// waitQueued waits until n bytes are queued on c.
func waitQueued(t *testing.T, c *net.TCPConn, n int) {
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	for {
		var q int
		rc.Control(func(fd uintptr) { q, err = unix.IoctlGetInt(int(fd), unix.SIOCINQ) })
		if err != nil {
			t.Fatal(err)
		}
		if q >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
}
