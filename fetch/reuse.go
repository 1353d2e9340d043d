package fetch

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/rawhttp"
)

// exchange sends the hop's request and reads the response head, on a kept
// connection when the pool has one for u, else on a new one. A kept
// connection the server closed while it was idle fails before anything of
// the response arrives: the request then goes once more, on a new
// connection, as curl does. On error, the connection is closed.
func (f *fetcher) exchange(ctx context.Context, h *hop, res *Result, u *url.URL, method string, body []byte, ctype string) (*hopConn, *response, error) {
	for try := 0; ; try++ {
		hc, err := f.openHop(ctx, h, res, u, try > 0)
		if err != nil {
			return nil, nil, err
		}
		before := hc.cc.recv
		err = f.send(ctx, h, res, hc, u, method, body, ctype)
		var r *response
		if err == nil {
			r, err = f.readHead(ctx, h, res, hc, method)
		}
		if err == nil {
			return hc, r, nil
		}
		again := hc.reused && try == 0 && hc.cc.recv == before && ctx.Err() == nil && !errors.Is(err, ErrUsage)
		why := "the request failed"
		if again {
			why = "the server closed it before answering; sending the request again on a new connection"
		}
		f.dropHop(hc, why)
		if !again {
			return nil, nil, err
		}
	}
}

// openHop returns a kept connection for u, or opens one (always a new one
// when fresh is set).
func (f *fetcher) openHop(ctx context.Context, h *hop, res *Result, u *url.URL, fresh bool) (*hopConn, error) {
	rt, err := f.dialer.route(u, f.prevProxy)
	if err != nil {
		return nil, err
	}
	key := f.poolKey(u, rt)
	if !fresh && !f.req.NoReuse {
		if hc, err := f.reuse(ctx, res, u, rt, key); hc != nil || err != nil {
			return hc, err
		}
	}
	f.connID = f.pool.newID()
	hc, err := f.dialHop(ctx, h, res, u)
	if err != nil {
		return nil, err
	}
	hc.id, hc.key = f.connID, key
	hc.host, _ = hostPort(u)
	return hc, nil
}

// reuse takes the connection kept for key that is still open, closing
// the ones the server closed meanwhile, and readies it for this hop.
func (f *fetcher) reuse(ctx context.Context, res *Result, u *url.URL, rt route, key poolKey) (*hopConn, error) {
	for {
		hc := f.pool.take(key)
		if hc == nil {
			return nil, nil
		}
		if why := idleProblem(hc.conn.Conn); why != "" {
			f.emit(fetchtrace.Event{Kind: fetchtrace.EvConnEnd, Conn: hc.id, Host: hc.host, Info: why})
			hc.Close()
			continue
		}
		// The connection was opened under the kernel lock, if any; the lock
		// is still checked (and reported) before this fetch sends a byte.
		if err := f.lock(ctx); err != nil {
			f.pool.put(key, hc)
			return nil, err
		}
		if rt.proxy != nil {
			f.prevProxy = rt.proxy
		}
		hc.reused, hc.cancel = true, func() {}
		c := hc.conn
		hc.stop = context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
		res.RemoteIP, res.RemotePort = c.peer, c.port
		if ta, ok := c.local.(*net.TCPAddr); ok {
			res.LocalIP, res.LocalPort = ta.IP.String(), ta.Port
		}
		host, _ := hostPort(u)
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvReuse, Conn: hc.id, Host: host, Peer: hc.peer(), Local: c.local})
		return hc, nil
	}
}

// endHop keeps the hop's connection for another request when HTTP allows
// it, or closes it, and says which (and why) either way. next is the
// redirect to follow, whose body is read to its end first when small.
func (f *fetcher) endHop(hc *hopConn, r *response, next *url.URL, err error) {
	why := f.unkeepable(hc, r, next, err)
	if !hc.stop() && why == "" {
		why = "the time limit ran out"
	}
	hc.cancel()
	if why == "" {
		f.addCounts(hc)
		if why = f.pool.put(hc.key, hc); why == "" {
			f.emit(fetchtrace.Event{Kind: fetchtrace.EvConnEnd, Conn: hc.id, Host: hc.host, Kept: true})
			f.tcpSummary(hc)
			return
		}
	}
	f.dropHop(hc, why)
}

// dropHop closes the hop's connection and says why it is not kept.
func (f *fetcher) dropHop(hc *hopConn, why string) {
	f.emit(fetchtrace.Event{Kind: fetchtrace.EvConnEnd, Conn: hc.id, Host: hc.host, Info: why})
	f.closeHop(hc)
}

// addCounts adds up the wire bytes the hop moved on its connection.
func (f *fetcher) addCounts(hc *hopConn) {
	f.sent += hc.cc.sent
	f.recv += hc.cc.recv
	hc.cc.sent, hc.cc.recv = 0, 0
}

// unkeepable returns why the connection cannot carry another request
// after r, or "" when it can.
func (f *fetcher) unkeepable(hc *hopConn, r *response, next *url.URL, err error) string {
	switch {
	case f.req.NoReuse:
		return "--no-keepalive"
	case err != nil:
		return "the transfer did not complete"
	case requestCloses(f.req.Fields):
		return "the request said Connection: close"
	}
	if p := rawhttp.Persistent(r.Response); !p.Keep {
		return p.Reason
	}
	if next != nil && !f.drain(r) {
		return "the redirect's body was not read to its end"
	}
	if r.br.Buffered() > 0 {
		return "the server sent more than the response"
	}
	return ""
}

// drain reads the body of a redirect that is followed to its end, when it
// is small, so that its connection can carry the next request.
func (f *fetcher) drain(r *response) bool {
	fr := r.Framing
	switch {
	case fr.Kind == rawhttp.NoBody:
		return true
	case fr.Kind == rawhttp.Length && fr.Length > drainMax, fr.Kind != rawhttp.Length && fr.Kind != rawhttp.Chunked:
		return false
	}
	_, err := io.CopyN(io.Discard, r.rd.Body(r.Response), drainMax+1)
	f.bodyEnd = nil
	return err == io.EOF
}

// requestCloses reports whether the user's fields ask for Connection: close.
func requestCloses(fields []rawhttp.Field) bool {
	for _, fl := range fields {
		if !strings.EqualFold(fl.Name, "Connection") {
			continue
		}
		for _, t := range strings.Split(fl.Value, ",") {
			if strings.EqualFold(strings.TrimSpace(t), "close") {
				return true
			}
		}
	}
	return false
}
