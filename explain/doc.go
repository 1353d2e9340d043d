// Package explain renders what sockfetch does on the wire, for people.
//
// It turns the events that package fetch and package rawhttp emit into text;
// neither of them formats anything itself. There are three views:
//
//   - View is --explain: one section per layer, in the order things happen
//     (name resolution, TCP, the SOCKS5 handshake of RFC 1928 and RFC 1929
//     with Tor's extended reply codes from tor's socks-extensions.txt, TLS,
//     the request bytes, the response head, its framing under RFC 9112 §6.3,
//     the chunks of RFC 9112 §7.1, trailers), then totals and a waterfall of
//     where the time went. It is written for a reader who knows nothing of
//     HTTP: short sentences, every term explained where it first appears.
//   - Trace is curl's --trace and --trace-ascii layout, kept line for line so
//     that tools and habits built on curl's traces keep working, plus records
//     curl does not have for the SOCKS5 handshake ("=> Send SOCKS").
//   - ParseView is the explained view of a response read offline by
//     `sockfetch parse`, and of where and why a malformed one was rejected.
//
// Every byte that came from the network is shown escaped: a hostile server
// cannot put a terminal escape sequence on the reader's screen, and with
// Options.Color off the output holds no escape sequence at all.
package explain
