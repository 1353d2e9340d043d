package socks

import "testing"

// TestWireValues holds each constant to the byte its specification gives.
func TestWireValues(t *testing.T) {
	tests := []struct {
		name string
		got  byte
		want byte
	}{
		{"Version5", byte(Version5), 0x05},                 // RFC 1928 §3
		{"AuthNone", byte(AuthNone), 0x00},                 // RFC 1928 §3
		{"AuthGSSAPI", byte(AuthGSSAPI), 0x01},             // RFC 1928 §3
		{"AuthUserPass", byte(AuthUserPass), 0x02},         // RFC 1928 §3
		{"AuthNoAcceptable", byte(AuthNoAcceptable), 0xFF}, // RFC 1928 §3
		{"UserPassVersion", UserPassVersion, 0x01},         // RFC 1929 §2
		{"UserPassSucceeded", UserPassSucceeded, 0x00},     // RFC 1929 §2
		{"CmdConnect", byte(CmdConnect), 0x01},             // RFC 1928 §4
		{"CmdBind", byte(CmdBind), 0x02},                   // RFC 1928 §4
		{"CmdUDPAssociate", byte(CmdUDPAssociate), 0x03},   // RFC 1928 §4
		{"CmdTorResolve", byte(CmdTorResolve), 0xF0},       // socks-extensions.txt
		{"CmdTorResolvePTR", byte(CmdTorResolvePTR), 0xF1}, // socks-extensions.txt
		{"AddrIPv4", byte(AddrIPv4), 0x01},                 // RFC 1928 §5
		{"AddrDomain", byte(AddrDomain), 0x03},             // RFC 1928 §5
		{"AddrIPv6", byte(AddrIPv6), 0x04},                 // RFC 1928 §5
		{"ReplySucceeded", byte(ReplySucceeded), 0x00},     // RFC 1928 §6
		{"ReplyAddrNotSupported", byte(ReplyAddrNotSupported), 0x08},
		{"ReplyTorDescNotFound", byte(ReplyTorDescNotFound), 0xF0}, // proposal 304
		{"ReplyTorIntroTimedOut", byte(ReplyTorIntroTimedOut), 0xF7},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %#02x, want %#02x", tt.name, tt.got, tt.want)
		}
	}
}

func TestWireStrings(t *testing.T) {
	tests := []struct {
		v    interface{ String() string }
		want string
	}{
		{Version5, "SOCKS5"},
		{Version(4), "SOCKS version 4"},
		{AuthNone, "no authentication"},
		{AuthGSSAPI, "GSSAPI"},
		{AuthUserPass, "username/password"},
		{AuthNoAcceptable, "no acceptable methods"},
		{AuthMethod(0x03), "unassigned method"},
		{AuthMethod(0x7F), "unassigned method"},
		{AuthMethod(0x80), "private method"},
		{AuthMethod(0xFE), "private method"},
		{CmdConnect, "CONNECT"},
		{CmdBind, "BIND"},
		{CmdUDPAssociate, "UDP ASSOCIATE"},
		{CmdTorResolve, "RESOLVE"},
		{CmdTorResolvePTR, "RESOLVE_PTR"},
		{Command(0x09), "command 0x09"},
		{AddrIPv4, "IPv4"},
		{AddrDomain, "domain name"},
		{AddrIPv6, "IPv6"},
		{AddrType(0x02), "address type 0x02"},
		{ReplySucceeded, "succeeded"},
		{ReplyRefused, "connection refused"},
		{ReplyTorBadAddress, "invalid onion address"},
		{Reply(0x09), "unknown reply code 0x09"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%T(%d).String() = %q, want %q", tt.v, tt.v, got, tt.want)
		}
	}
	// ReplyText and IsTorCode are the methods of Reply, for every byte.
	for c := 0; c < 256; c++ {
		r := Reply(c)
		if got, want := ReplyText(byte(c)), r.String(); got != want {
			t.Errorf("ReplyText(%#02x) = %q, Reply.String %q", c, got, want)
		}
		if got, want := IsTorCode(byte(c)), c >= 0xF0 && c <= 0xF7; got != want || r.IsTor() != want {
			t.Errorf("IsTorCode(%#02x) = %v, Reply.IsTor %v, want %v", c, got, r.IsTor(), want)
		}
	}
}

func TestIsOnion(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion", true},
		{"www.example.onion", true},
		{"EXAMPLE.ONION", true},
		{"example.Onion.", true},
		{"onion", true},
		{"onion.", true},
		{".onion", true},
		{"", false},
		{"example.com", false},
		{"onion.example.com", false},
		{"exampleonion", false},
		{"example.onion.com", false},
		{"example.onion..", true},
		{"example.onion...", true},
		{"EXAMPLE.ONION..", true},
		{"..", false},
		{"example.com.", false},
		{"onion.example.com..", false},
		{"127.0.0.1", false},
		{"::1", false},
	}
	for _, tt := range tests {
		if got := IsOnion(tt.host); got != tt.want {
			t.Errorf("IsOnion(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}
