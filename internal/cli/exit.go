package cli

import (
	"errors"

	"sockfetch/fetch"
)

// The CLI's own error kinds, for outcomes that are not a transfer's. Like
// fetch's sentinels, they are the Kind of a *fetch.Error (or wrapped) and
// map to an exit status in exitCodes.
var (
	errNotAnonymous = errors.New("not anonymous") // ip: the check answered, but the path is not anonymous
	errLoginDenied  = errors.New("login denied")  // newnym: Tor's control port refused the authentication, or it cannot be done
	errInterrupted  = errors.New("interrupted")   // Ctrl-C, SIGTERM or SIGHUP (Run then re-raises the signal)
)

// exitCodes maps every error kind to its exit status: curl's where curl has
// one. It is the only place where exit codes are decided.
var exitCodes = []struct {
	err  error
	code int
}{
	{fetch.ErrUnsupportedScheme, 1},
	{fetch.ErrVersion, 1}, // curl: unsupported protocol, for a response that is not HTTP/1.x too
	{fetch.ErrUsage, 2},   // *usageError too: a bad command line
	{fetch.ErrLock, 2},
	{fetch.ErrBadURL, 3},
	{fetch.ErrProxyResolve, 5},
	{fetch.ErrResolve, 6},
	{fetch.ErrConnect, 7},
	{fetch.ErrMalformed, 8},
	{errNotAnonymous, 10},
	{fetch.ErrPartial, 18},
	{fetch.ErrHTTPStatus, 22},
	{fetch.ErrWrite, 23},
	{errUploadFailed, 25}, // upload.go: -0 -T - (HTTP/1.0 has no chunked encoding)
	{fetch.ErrReadFile, 26},
	{fetch.ErrTimeout, 28},
	{fetch.ErrRange, 33},
	{fetch.ErrTLS, 35},
	{fetch.ErrTooManyRedirects, 47},
	{fetch.ErrEmptyReply, 52},
	{fetch.ErrSend, 55},
	{fetch.ErrRecv, 56},
	{fetch.ErrCertificate, 60},
	{fetch.ErrDecode, 61},
	{fetch.ErrFileSize, 63},
	{errLoginDenied, 67}, // curl: login denied
	{fetch.ErrProxy, 97},
	{errInterrupted, 130}, // as a shell reports a process killed by SIGINT
}

// exitCode returns the exit status for err: 0 for nil, the table's code
// for its kind, and 2 for an error of no kind (urfave/cli's own are about
// the command line).
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var fe *fetch.Error
	if errors.As(err, &fe) {
		for _, e := range exitCodes {
			if fe.Kind == e.err {
				return e.code
			}
		}
	}
	for _, e := range exitCodes {
		if errors.Is(err, e.err) {
			return e.code
		}
	}
	return 2
}
