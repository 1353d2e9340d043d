package fetch

import (
	"strconv"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/rawhttp"
)

// rangeValue is the Range field the request sends: "bytes=N-" to resume
// from ResumeFrom (it wins over Range, as in curl), "bytes=" and Range for
// -r, or "" for none. A request with a body sends none (the CLI refuses
// -C and -r with one: curl would send Content-Range, an upload's resume).
func (f *fetcher) rangeValue(body []byte) string {
	switch {
	case body != nil:
		return ""
	case f.req.ResumeFrom > 0:
		return "bytes=" + strconv.FormatInt(f.req.ResumeFrom, 10) + "-"
	case f.req.Range != "":
		return "bytes=" + f.req.Range
	}
	return ""
}

// resumeCheck decides, before its body is written, what to do with a
// response to a resume request (ResumeFrom > 0), as curl 7.88 does: skip
// says the body is not written and the transfer succeeded. Without a
// Content-Range starting at ResumeFrom, the server sent something else
// than the rest of the file: that is ErrRange, unless its length is
// ResumeFrom (the whole file is already here). A 416 is a success with its
// body ignored (the file is presumably complete), but under Fail a 416
// whose Content-Range names no start ("bytes */1000") is the status error
// it says, as in curl. A status Fail refuses is left to Fail.
func (f *fetcher) resumeCheck(r *response) (skip bool, err error) {
	if f.req.ResumeFrom <= 0 || f.req.Body != nil || f.req.Method == "HEAD" {
		return false, nil
	}
	cr, hasCR := r.Get("Content-Range"), r.Values("Content-Range") != nil
	start, ok := rawhttp.ContentRangeStart(cr)
	whole := hasCR && !ok // curl: "get everything" (its resume_from becomes 0)
	switch {
	case r.Status == 416 && f.req.Fail && whole:
		return false, nil
	case r.Status == 416:
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "416 to a resume request: the file is taken as complete, the response's body ignored"})
		return true, nil
	case f.req.Fail && r.Status >= 400,
		whole,
		hasCR && start == f.req.ResumeFrom,
		r.Framing.Kind == rawhttp.NoBody,
		r.Framing.Kind == rawhttp.Length && r.Framing.Length == 0:
		return false, nil
	case r.Framing.Kind == rawhttp.Length && r.Framing.Length == f.req.ResumeFrom:
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "the entire document is already downloaded"})
		return true, nil
	}
	return false, errorf(ErrRange, nil, "HTTP server doesn't seem to support byte ranges: cannot resume").
		withHint("it answered the request for bytes " + strconv.FormatInt(f.req.ResumeFrom, 10) + "- with something else; the file is left as it was")
}
