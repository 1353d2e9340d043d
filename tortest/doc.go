//go:build linux

// Package tortest holds sockfetch's end-to-end tests against real Tor: the
// sockfetch binary, built once per run, fetches through the private Tor
// network of internal/tornet (onion service, exits bound to their own
// addresses on a namespace test host, a resolver only the exits use). It
// has no code besides its tests; run them with `go test ./tortest`.
package tortest
