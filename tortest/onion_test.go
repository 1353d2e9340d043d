//go:build linux

package tortest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha3"
	"encoding/base32"
	"strings"
	"testing"

	"sockfetch/internal/tornet"
)

// missingOnion returns a well-formed v3 onion address (valid checksum and
// version) of a key nobody publishes: Tor looks it up and finds no
// descriptor. It is fresh per call, so no cached failure gets in the way.
func missingOnion(t testing.TB) string {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// rend-spec-v3 §6: base32(PUBKEY | CHECKSUM | VERSION), CHECKSUM =
	// SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2], VERSION = 3.
	h := sha3.New256()
	h.Write([]byte(".onion checksum"))
	h.Write(pub)
	h.Write([]byte{3})
	b := append(append([]byte(pub), h.Sum(nil)[:2]...), 3)
	return strings.ToLower(base32.StdEncoding.EncodeToString(b)) + ".onion"
}

func TestOnionService(t *testing.T) {
	n := tornet.Shared(t)
	for _, args := range [][]string{
		{"--tor", "--tor-addr", n.SocksAddr},
		{"-x", "socks5h://" + n.SocksAddr},
	} {
		r := run(t, nil, append(args, "http://"+n.OnionHost+"/")...)
		if r.code != 0 || r.stdout != tornet.OnionBody {
			t.Errorf("%v: want exit 0 and %q, got %s", args, tornet.OnionBody, r)
		}
	}
}

// TestOnionErrors checks that Tor's SOCKS replies for onion services come
// out in words with exit 97: the extended codes on the SocksPort with
// ExtendedErrors, and 04 with the hint to add it on the one without.
func TestOnionErrors(t *testing.T) {
	n := tornet.Shared(t)
	tests := []struct {
		name   string
		proxy  []string
		host   string
		stderr []string // each must appear
	}{
		{"missing", []string{"--tor", "--tor-addr", n.SocksAddr}, missingOnion(t),
			[]string{"0xF0", "onion service descriptor not found", "offline"}},
		{"missing socks5h", []string{"-x", "socks5h://" + n.SocksAddr}, missingOnion(t),
			[]string{"0xF0", "onion service descriptor not found"}},
		{"malformed", []string{"--tor", "--tor-addr", n.SocksAddr}, "abc.onion",
			[]string{"0xF6", "56 characters"}},
		{"missing plain port", []string{"--tor", "--tor-addr", n.SocksPlainAddr}, missingOnion(t),
			[]string{"0x04", "unreachable", "ExtendedErrors"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, append(tt.proxy, "http://"+tt.host+"/")...)
			if r.code != 97 {
				t.Fatalf("want exit 97, got %s", r)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout: got %q, want nothing", r.stdout)
			}
		})
	}
}

// TestOnionWithoutTor checks that a .onion URL is refused, citing RFC 7686,
// wherever it would be resolved here: without a proxy and with socks5://.
// Nothing here needs Tor, but the SOCKS5 proxy is the private network's.
func TestOnionWithoutTor(t *testing.T) {
	n := tornet.Shared(t)
	for _, args := range [][]string{
		nil,
		{"-x", "socks5://" + n.SocksAddr},
	} {
		r := run(t, nil, append(args, "http://"+n.OnionHost+"/")...)
		if r.code != 6 || !strings.Contains(r.stderr, "7686") {
			t.Errorf("%v: want exit 6 citing RFC 7686, got %s", args, r)
		}
	}
}
