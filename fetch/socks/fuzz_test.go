package socks

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// FuzzHandshake plays arbitrary proxy answers against Connect: it must never
// panic, fail only with an *Error, and report to Observe exactly the bytes the
// proxy sent, in order.
func FuzzHandshake(f *testing.F) {
	seeds := [][]byte{
		{5, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0},
		{5, 2, 1, 0, 5, 0, 0, 3, 3, 'a', 'b', 'c', 0, 80, 'x'},
		{5, 2, 1, 1},
		{5, 0, 5, 0xF6, 0, 1, 0, 0, 0, 0, 0, 0},
		{5, 0, 5, 0, 0, 4, 0},
		{5, 0, 5, 0, 0, 9},
		{5, 0xff},
		{5, 1},
		[]byte("HTTP/1.1 400 Bad Request\r\n\r\n"),
		[]byte("SSH-2.0-x\r\n"),
		{0, 0x5a},
		{},
	}
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, answer []byte, withAuth bool) {
		var got bytes.Buffer
		cfg := Config{
			Proxy: Addr{Network: "tcp", Address: "proxy.test:1080"},
			Dial: func(context.Context, string, string) (net.Conn, error) {
				client, server := net.Pipe()
				go io.Copy(io.Discard, server)
				go func() {
					server.Write(answer)
					server.Close()
				}()
				return client, nil
			},
			Observe: func(m Message) {
				if !m.Send {
					got.Write(m.Bytes)
				}
			},
		}
		if withAuth {
			cfg.Auth = &Auth{User: "u", Password: "p"}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := Connect(ctx, cfg, "example.test", 80)
		if err == nil {
			c.Close()
		} else if e := (*Error)(nil); !errors.As(err, &e) || e.Error() == "" {
			t.Fatalf("error %v (%T) is not a *socks.Error with a message", err, err)
		}
		if !bytes.HasPrefix(answer, got.Bytes()) {
			t.Fatalf("Observe saw %x, not a prefix of what the proxy sent (%x)", got.Bytes(), answer)
		}
	})
}
