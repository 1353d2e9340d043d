// Package fetch opens the connection for one URL (directly, through a SOCKS5
// proxy, or through Tor), wraps it in TLS for https, writes the request built
// by rawhttp, reads the response through rawhttp, follows redirects and
// streams the body to a writer. It records timings and, when asked, reports
// every step as a typed fetchtrace.Event for the views, which word them.
package fetch
