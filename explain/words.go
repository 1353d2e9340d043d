package explain

import (
	"fmt"
	"strconv"
	"strings"
)

// statusText returns a status code in plain words.
func statusText(code int) string {
	switch code {
	case 100:
		return "Continue: go on, the real answer follows"
	case 101:
		return "Switching Protocols: the connection now speaks another protocol"
	case 102:
		return "Processing: still working, the real answer follows"
	case 103:
		return "Early Hints: links worth loading early; the real answer follows"
	case 200:
		return "OK: it worked, the body is what was asked for"
	case 201:
		return "Created: a new resource was made"
	case 202:
		return "Accepted: the work will be done later"
	case 204:
		return "No Content: it worked, and there is no body"
	case 206:
		return "Partial Content: only the part asked for"
	case 301:
		return "Moved Permanently: look at the Location field instead, from now on"
	case 302:
		return "Found: look at the Location field instead, this time"
	case 303:
		return "See Other: fetch the Location field's address with GET"
	case 304:
		return "Not Modified: the copy you have is still good; no body"
	case 307:
		return "Temporary Redirect: repeat the same request at the Location field's address"
	case 308:
		return "Permanent Redirect: repeat the same request at the Location field's address, from now on"
	case 400:
		return "Bad Request: the server did not understand the request"
	case 401:
		return "Unauthorized: credentials are needed"
	case 403:
		return "Forbidden: the server refuses"
	case 404:
		return "Not Found: nothing at that path"
	case 405:
		return "Method Not Allowed"
	case 408:
		return "Request Timeout: the request came too slowly"
	case 429:
		return "Too Many Requests: slow down"
	case 500:
		return "Internal Server Error: the server failed"
	case 502:
		return "Bad Gateway: a server behind this one failed"
	case 503:
		return "Service Unavailable: try again later"
	case 504:
		return "Gateway Timeout: a server behind this one did not answer in time"
	}
	switch code / 100 {
	case 1:
		return "an interim answer; the real one follows"
	case 2:
		return "success"
	case 3:
		return "a redirect: look elsewhere"
	case 4:
		return "the request was wrong (a client error)"
	case 5:
		return "the server failed (a server error)"
	}
	return "an unusual status code"
}

// responseFieldText explains a response header field in one line, or
// returns "" for fields without an explanation.
func responseFieldText(name, value string) string {
	v := strings.TrimSpace(value)
	switch strings.ToLower(name) {
	case "content-length":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			if n == 0 {
				return "the body is empty (0 bytes long)"
			}
			return fmt.Sprintf("the body is exactly %s long", plural(n, "byte", "bytes"))
		}
		return "the length of the body in bytes"
	case "transfer-encoding":
		if strings.EqualFold(lastToken(v), "chunked") {
			return "the body comes in chunks, each one preceded by its size; it decides where the body ends"
		}
		return "how the body was transformed for the trip"
	case "connection":
		switch strings.ToLower(v) {
		case "close":
			return "the server closes the connection after this response"
		case "keep-alive":
			return "the server may keep the connection open for another request"
		}
		return "options for this connection only"
	case "content-type":
		return "what kind of data the body is (" + mediaText(v) + ")"
	case "content-encoding":
		switch strings.ToLower(v) {
		case "gzip", "x-gzip":
			return "the body is compressed with gzip; it must be decompressed to be read"
		case "br":
			return "the body is compressed with Brotli; it must be decompressed to be read"
		case "deflate":
			return "the body is compressed with deflate; it must be decompressed to be read"
		case "zstd":
			return "the body is compressed with Zstandard; it must be decompressed to be read"
		case "identity":
			return "the body is not compressed"
		}
		return "how the body was compressed or otherwise encoded"
	case "location":
		return "the address to go to instead (with a 3xx redirect) or of what was created"
	case "set-cookie":
		return setCookieText(v)
	case "cache-control":
		return "rules for keeping a copy of this response (caching) and for how long"
	case "date":
		return "when the server made this response"
	case "server":
		return "the name of the server's software; just a label"
	case "last-modified":
		return "when the resource last changed"
	case "etag":
		return "a tag that changes when the resource changes"
	case "expires":
		return "after this time the copy is stale"
	case "vary":
		return "which request fields changed this answer"
	case "trailer":
		return "these fields will come after the body, as trailers"
	case "keep-alive":
		return "how long an idle connection is kept open"
	case "content-range":
		return "which part of the whole this body is"
	case "accept-ranges":
		return "whether parts of the resource can be asked for"
	case "strict-transport-security":
		return "use only https for this site from now on"
	case "link":
		return "links to related resources"
	case "age":
		return "seconds this answer has spent in a cache"
	case "www-authenticate":
		return "how to send credentials"
	case "retry-after":
		return "when to try again (--retry waits that long)"
	}
	return ""
}

// requestFieldText explains a request header field we send.
func requestFieldText(name, value string) string {
	v := strings.TrimSpace(value)
	switch strings.ToLower(name) {
	case "host":
		return "which site we want: one server can answer for many names"
	case "user-agent":
		return "the name of the program asking"
	case "accept":
		if v == "*/*" {
			return "which kinds of data we accept: */* means anything"
		}
		return "which kinds of data we accept"
	case "connection":
		if strings.EqualFold(v, "close") {
			return "please close the connection after the answer: it will carry no other request"
		}
		return "options for this connection only"
	case "content-length":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return fmt.Sprintf("our body is exactly %s long", plural(n, "byte", "bytes"))
		}
		return "the length of our body"
	case "content-type":
		return requestTypeText(v)
	case "expect":
		if strings.EqualFold(v, "100-continue") {
			return "we wait for the server's 100 Continue before the body: it may refuse the upload first, and spare sending it (we wait 1 s at most)"
		}
		return "what we expect of the server"
	case "transfer-encoding":
		if strings.EqualFold(v, "chunked") {
			return "our body goes in chunks, each after its size in hex, ending with a chunk of size 0: its length was not known in advance"
		}
		return "how our body is framed"
	case "accept-encoding":
		return "the compressions we can undo"
	case "authorization":
		return "our credentials"
	case "cookie":
		return cookieText(v)
	case "range":
		if from, ok := strings.CutPrefix(v, "bytes="); ok && len(from) > 1 && strings.Trim(from[:len(from)-1], "0123456789") == "" && from[len(from)-1] == '-' {
			return "we ask for the bytes from " + from[:len(from)-1] + " on: the rest of a file (a resume, -C)"
		}
		return "we ask for a part only"
	case "referer":
		return "the page we came from"
	}
	return ""
}

// requestTypeText explains the Content-Type of a body we send, the form
// kinds in words: how the body is laid out, and, for multipart, where each
// part begins.
func requestTypeText(v string) string {
	t, params, _ := strings.Cut(v, ";")
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "application/x-www-form-urlencoded":
		return "our body is a form as a web page sends it: name=value pairs joined by &, other bytes percent-encoded (-d)"
	case "multipart/form-data":
		b := ""
		for _, p := range strings.Split(params, ";") {
			if k, val, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "boundary") {
				b = strings.Trim(val, `"`)
			}
		}
		if b == "" {
			return "our body is a form in parts (-F)"
		}
		return "our body is a form in parts (-F): each part starts on a line --" + b +
			", then its own head (Content-Disposition names the field, and the file), an empty line and its bytes; " +
			"--" + b + "-- ends the last. The boundary is random so that no part's bytes contain it"
	}
	return "what kind of data our body is (" + mediaText(v) + ")"
}

// mediaText glosses a media type.
func mediaText(v string) string {
	t := strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
	switch t {
	case "text/html":
		return "a web page"
	case "text/plain":
		return "plain text"
	case "application/json":
		return "JSON data"
	case "text/css":
		return "a style sheet"
	case "application/javascript", "text/javascript":
		return "a script"
	case "application/octet-stream":
		return "raw bytes"
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml":
		return "an image"
	}
	if i := strings.IndexByte(t, '/'); i > 0 {
		return "type/subtype: " + t[:i] + " data"
	}
	return "a media type"
}

// lastToken returns the last comma-separated element of a list value.
func lastToken(v string) string {
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}

// cookieText explains a Cookie field: its cookies by name, and what they
// tell the server.
func cookieText(v string) string {
	var names []string
	for _, c := range strings.Split(v, ";") {
		if name, _, _ := strings.Cut(strings.TrimSpace(c), "="); name != "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "cookies the server asked us to send back"
	}
	return fmt.Sprintf("%s the server set before, sent back (%s): they tell it we are the client it saw then",
		plural(int64(len(names)), "cookie", "cookies"), strings.Join(names, ", "))
}

// setCookieText explains a Set-Cookie field: the cookie's name and the
// attributes that say where and how long it is sent back.
func setCookieText(v string) string {
	pair, attrs, _ := strings.Cut(v, ";")
	name, _, _ := strings.Cut(strings.TrimSpace(pair), "=")
	var where []string
	for _, a := range strings.Split(attrs, ";") {
		k, val, _ := strings.Cut(strings.TrimSpace(a), "=")
		switch strings.ToLower(k) {
		case "domain":
			where = append(where, "to "+val+" and its subdomains")
		case "path":
			where = append(where, "under "+val)
		case "secure":
			where = append(where, "over https only")
		case "httponly":
			where = append(where, "never to scripts")
		case "max-age", "expires":
			where = append(where, "until it expires ("+k+")")
		}
	}
	s := fmt.Sprintf("asks the client to store the cookie %q and send it back next time", name)
	if len(where) > 0 {
		s += ": " + strings.Join(where, ", ")
	}
	return s
}
