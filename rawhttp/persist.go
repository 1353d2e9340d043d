package rawhttp

import "strings"

// Persistence is the decision of RFC 9112 §9.3 for one response: whether
// the connection it came on may carry another request once its body has
// been read to its end, and why.
type Persistence struct {
	Keep   bool
	Reason string // one of the reasonKeep* and reasonNoKeep* strings of rules.go
}

// Persistent decides whether the connection that carried resp persists
// after it (RFC 9112 §9.3): not after a body that ends when the connection
// closes, nor after "close" in Connection (§9.6), nor after 101 (what
// follows is not HTTP); an HTTP/1.1 response persists by default and an
// HTTP/1.0 one only with "keep-alive" in Connection. The request's own
// Connection field is the caller's to weigh.
func Persistent(resp *Response) Persistence {
	close, keepAlive := false, false
	for i := range resp.Fields {
		if !equalFold(resp.Fields[i].Name, "Connection") {
			continue
		}
		for v, more := resp.Fields[i].Value, true; more; {
			var elem string
			elem, v, more = nextElem(v)
			switch strings.ToLower(trimOWS(elem)) {
			case "close":
				close = true
			case "keep-alive":
				keepAlive = true
			}
		}
	}
	switch {
	case resp.Status == 101:
		return Persistence{Reason: reasonNoKeep101}
	case resp.Framing.Kind == UntilClose:
		return Persistence{Reason: reasonNoKeepUntilClose}
	case close:
		return Persistence{Reason: reasonNoKeepClose}
	case resp.Major == 1 && resp.Minor == 0 && !keepAlive:
		return Persistence{Reason: reasonNoKeep10}
	case resp.Major == 1 && resp.Minor == 0:
		return Persistence{Keep: true, Reason: reasonKeep10}
	}
	return Persistence{Keep: true, Reason: reasonKeep11}
}
