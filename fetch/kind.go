package fetch

import (
	"errors"

	"sockfetch/rawhttp"
)

// ResponseKind returns the kind (one of this package's sentinels) that a
// fetch gives err, an error of package rawhttp about the response, so that
// whoever reads responses (the parse command) exits as a fetch would, and as
// curl does where both refuse the bytes:
//
//   - ErrEmptyReply (52): not one byte, or no whole status line of a final
//     response (cut inside it, or after 1xx heads alone);
//   - ErrPartial (18): the stream ended inside the head or the body;
//   - ErrVersion (1): not HTTP/1.x (curl: unsupported protocol);
//   - ErrRecv (56): a size limit passed, or the chunk framing broke (curl:
//     failure in receiving network data);
//   - ErrMalformed (8): any other head that breaks RFC 9112.
func ResponseKind(err error) error {
	var pe *rawhttp.ProtocolError
	switch {
	case errors.Is(err, rawhttp.ErrEmpty), errors.As(err, &pe) && pe.NoStatusLine:
		return ErrEmptyReply
	case errors.Is(err, rawhttp.ErrTruncated):
		return ErrPartial
	case errors.Is(err, rawhttp.ErrVersion):
		return ErrVersion
	case errors.Is(err, rawhttp.ErrLimit), errors.As(err, &pe) && pe.InBody:
		return ErrRecv
	}
	return ErrMalformed
}
