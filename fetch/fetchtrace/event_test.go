package fetchtrace

import "testing"

func TestDialled(t *testing.T) {
	for _, tt := range []struct {
		e    Event
		want string
	}{
		{Event{Kind: EvDial, Network: "tcp", Addr: "10.0.0.1:80"}, "10.0.0.1:80"},
		{Event{Kind: EvDial, Role: ToTor, Network: "tcp", Addr: "127.0.0.1:9050"}, "Tor at 127.0.0.1:9050"},
		{Event{Kind: EvDial, Role: ToProxy, Network: "unix", Addr: "/run/socks"}, "SOCKS5 proxy at unix:/run/socks"},
	} {
		if got := tt.e.Dialled(); got != tt.want {
			t.Errorf("Dialled() = %q, want %q", got, tt.want)
		}
	}
	if got := Role(9).String(); got != "role" {
		t.Errorf("Role(9) = %q", got)
	}
}
