package fetch

import (
	"slices"

	"sockfetch/rawhttp"
)

// codings returns the codings to undo on resp's body, outermost first: the
// transfer codings other than chunked (which rawhttp undoes), then the
// content codings when --compressed asks for them (contentEncodings). As
// curl does, transfer codings are undone with or without --compressed, and
// one that sockfetch cannot undo is an ErrDecode error (curl: 61) before
// any byte of the body is written. --raw keeps every coding; so does a
// Transfer-Encoding in an HTTP/1.0 response, whose framing is faulty
// (rawhttp reads it to the close, codings and all).
func (f *fetcher) codings(resp *rawhttp.Response) ([]string, error) {
	var list []string
	if !f.req.Raw && !resp.Framing.Faulty {
		te := resp.TransferCodings()
		for _, c := range slices.Backward(te) {
			switch c {
			case "chunked", "identity":
			case "gzip", "x-gzip", "deflate":
				list = append(list, c)
			default:
				return nil, errorf(ErrDecode, nil, "unrecognized transfer coding %q (sockfetch decodes gzip and deflate)", c)
			}
		}
	}
	ce := f.contentEncodings(resp)
	if list == nil {
		return ce, nil
	}
	return append(list, ce...), nil
}
