package torctl

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// BootstrapStatus is Tor's answer to GETINFO status/bootstrap-phase, such
// as `NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY="Done"`.
type BootstrapStatus struct {
	Severity string // NOTICE, or WARN when bootstrapping has trouble
	Progress int    // 0 to 100
	Tag      string // "done" at 100
	Summary  string
	Warning  string // with Severity WARN: what went wrong
}

// Done reports whether Tor has finished bootstrapping.
func (b *BootstrapStatus) Done() bool { return b.Progress == 100 }

// Bootstrap returns Tor's bootstrap status; a harness polls it until Done.
func (c *Conn) Bootstrap(ctx context.Context) (*BootstrapStatus, error) {
	const key = "status/bootstrap-phase"
	m, err := c.GetInfo(ctx, key)
	if err != nil {
		return nil, err
	}
	return parseBootstrap(m[key])
}

func parseBootstrap(s string) (*BootstrapStatus, error) {
	sev, rest, _ := strings.Cut(s, " ")
	word, rest, _ := strings.Cut(rest, " ")
	if word != "BOOTSTRAP" {
		return nil, ProtocolError(fmt.Sprintf("bootstrap status without BOOTSTRAP: %q", capQuote(s)))
	}
	kw, err := ParseKeywords(rest)
	if err != nil {
		return nil, err
	}
	b := &BootstrapStatus{Severity: sev, Tag: kw["TAG"], Summary: kw["SUMMARY"], Warning: kw["WARNING"]}
	b.Progress, err = strconv.Atoi(kw["PROGRESS"])
	if err != nil || b.Progress < 0 || b.Progress > 100 {
		return nil, ProtocolError(fmt.Sprintf("bad PROGRESS in bootstrap status %q", capQuote(s)))
	}
	return b, nil
}

// ParseKeywords returns the KEY=VALUE items of a reply or event line, such
// as an event's text `12 SUCCEEDED 5 10.0.0.2:80 SOURCE_ADDR=127.0.0.1:4242
// PURPOSE=USER`, with quoted values decoded. Items without "=" are left out.
func ParseKeywords(s string) (map[string]string, error) {
	kws, err := parseKeywords(s)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(kws))
	for _, kw := range kws {
		if kw.HasValue {
			m[kw.Key] = kw.Value
		}
	}
	return m, nil
}
