package socks_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"sockfetch/fetch/socks"
)

// The way sockfetch --tor --new-circuit dials: the address rules, random
// credentials, every handshake message shown, errors in words with a hint.
func ExampleConnectTor() {
	addrs, _, err := socks.TorAddrs("", os.Getenv("SOCKFETCH_TOR_ADDR"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := socks.Config{
		Auth: socks.NewCircuitAuth(),
		Observe: func(m socks.Message) {
			dir := "<"
			if m.Send {
				dir = ">"
			}
			fmt.Printf("%s %x  %s\n", dir, m.Bytes, m.Meaning)
		},
	}
	conn, used, err := socks.ConnectTor(ctx, addrs, cfg, "example.onion", 80)
	var e *socks.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Println("timeout (exit 28):", err)
	case errors.As(err, &e) && e.Kind == socks.KindDial:
		fmt.Println("exit 7:", err, "\nhint:", e.Hint())
	case errors.As(err, &e):
		fmt.Println("exit 97:", err, "\nhint:", e.Hint())
	default:
		defer conn.Close() // a *net.TCPConn or *net.UnixConn
		fmt.Println("connected through Tor at", used)
	}
}
