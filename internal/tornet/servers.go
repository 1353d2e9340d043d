package tornet

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
)

// OnionBody is the page the onion service serves, for every path.
const OnionBody = "hello from the private onion service\n"

// HostBody is the page the namespace test host serves on every path but
// /api/ip.
const HostBody = "hello from the test host\n"

// CheckPath is where the test host answers like check.torproject.org.
const CheckPath = "/api/ip"

// CheckReply is the JSON the check server sends.
type CheckReply struct {
	IsTor bool   `json:"IsTor"`
	IP    string `json:"IP"`
}

// CheckHandler answers CheckPath like https://check.torproject.org/api/ip,
// with IsTor true only when the peer is one of exits, and HostBody on every
// other path. onRequest, when not nil, runs before each answer is written
// (a test pins the next exit there).
func CheckHandler(exits []string, onRequest func(r *http.Request)) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(CheckPath, func(w http.ResponseWriter, r *http.Request) {
		if onRequest != nil {
			onRequest(r)
		}
		ip, _, _ := net.SplitHostPort(r.RemoteAddr)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(CheckReply{IsTor: slices.Contains(exits, ip), IP: ip})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, HostBody)
	})
	return mux
}

// pageHandler serves body on every path.
func pageHandler(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		io.WriteString(w, body)
	})
}
