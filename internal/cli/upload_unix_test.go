//go:build unix

package cli

import (
	"bufio"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"sockfetch/internal/testenv"
)

// TestUploadStreams: -T of a 200 MiB file is sent whole with the memory of
// a small file: the body is read as it is sent, never held (step 4 of
// issue 15). The server discards the body as it reads it.
func TestUploadStreams(t *testing.T) {
	bin := testenv.Sockfetch(t)
	const size = 200 << 20
	file := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil { // sparse: no disk
		t.Fatal(err)
	}
	f.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	received := make(chan int64, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			br := bufio.NewReader(c)
			var n int64 = -1
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					break
				}
				if v, ok := strings.CutPrefix(l, "Content-Length: "); ok {
					n, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				}
				if l == "\r\n" {
					c.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
					got, _ := io.CopyN(io.Discard, br, max(n, 0))
					received <- got
					break
				}
			}
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"))
			c.Close()
		}
	}()
	url := "http://" + ln.Addr().String() + "/"
	maxRSS := func(args ...string) int64 {
		cmd := exec.Command(bin, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB
	}
	small := maxRSS("-s", "-o", os.DevNull, url)
	<-received
	big := maxRSS("-s", "-o", os.DevNull, "-T", file, url)
	if n := <-received; n != size {
		t.Errorf("server received %d body bytes, want %d", n, size)
	}
	t.Logf("max RSS: a GET %d KiB, -T of %d MiB %d KiB", small, size>>20, big)
	if big > small+32<<10 {
		t.Errorf("-T of %d MiB took %d KiB, a GET %d KiB: the body is held in memory", size>>20, big, small)
	}
}
