// Package tornet runs a private Tor network on 127.0.0.1 for tests: three
// directory authorities (each also a relay and an exit), two middle relays,
// one client and, with Options.Onion, one more tor hosting an onion
// service, all Debian's real tor, as in Tor's own chutney. The recipe
// and what was measured on these machines are in shared/TORNET.md (the
// project's shared folder, beside the repository: ../shared from its root);
// the torrc templates are in testdata/tor.
//
// Besides the tor processes the harness runs, for the tests' sake:
//   - a resolver (dnsmasq) that the exits use instead of this machine's DNS,
//     knowing one name only (DNSName) and answering NXDOMAIN for every other;
//   - when root, a test host in a network namespace of its own (Netns), with
//     one host-side address per exit bound through OutboundBindAddressExit,
//     so a server there sees which exit a stream left from, and a check
//     server answering like https://check.torproject.org/api/ip;
//   - an onion service hosted by a tor of its own (not the client, which
//     tests reconfigure), serving a loopback page.
//
// Start brings a network up for one caller; Shared starts one per test
// binary and Main (called from TestMain) tears it down. Test traffic only
// ever goes to loopback and to the namespace made here.
package tornet
