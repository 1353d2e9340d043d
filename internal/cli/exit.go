package cli

import (
	"errors"

	"github.com/urfave/cli/v2"

	"sockfetch/fetch"
)

// exitCodes maps fetch's errors to curl's exit codes. It is the only place
// where exit codes are decided.
var exitCodes = []struct {
	err  error
	code int
}{
	{fetch.ErrUnsupportedScheme, 1},
	{fetch.ErrUsage, 2},
	{fetch.ErrLock, 2},
	{fetch.ErrBadURL, 3},
	{fetch.ErrProxyResolve, 5},
	{fetch.ErrResolve, 6},
	{fetch.ErrConnect, 7},
	{fetch.ErrMalformed, 8},
	{fetch.ErrPartial, 18},
	{fetch.ErrHTTPStatus, 22},
	{fetch.ErrWrite, 23},
	{fetch.ErrReadFile, 26},
	{fetch.ErrTimeout, 28},
	{fetch.ErrTLS, 35},
	{fetch.ErrTooManyRedirects, 47},
	{fetch.ErrEmptyReply, 52},
	{fetch.ErrSend, 55},
	{fetch.ErrRecv, 56},
	{fetch.ErrCertificate, 60},
	{fetch.ErrDecode, 61},
	{fetch.ErrFileSize, 63},
	{fetch.ErrProxy, 97},
}

// exitCode returns the exit status for err: 0 for nil, 2 for a bad command
// line, curl's code for a fetch error.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
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
	var ec cli.ExitCoder // commands with their own codes (newnym, parse, ip)
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return 2 // cli's own errors are about the command line
}
