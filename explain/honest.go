package explain

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"sockfetch/fetch/fetchtrace"
)

// trustRoot names what vouched for a verified certificate: the --cacert
// file when one was given, else the system's authorities.
func (v *View) trustRoot(caFile string) string {
	if caFile != "" {
		name := clean(caFile)
		if v.p.m.on {
			name = "CAFILE" // a test's temporary directory
		}
		return "an authority in " + name + " (--cacert, instead of the system's)"
	}
	return "an authority this machine trusts"
}

// certNames lists, after a name mismatch, the names the certificate is
// made out to (each escaped: they are the server's bytes), and where the
// chain was checked.
func (v *View) certNames(e fetchtrace.Event) {
	var he x509.HostnameError
	if !errors.As(e.Err, &he) || he.Certificate == nil {
		return
	}
	c := he.Certificate
	var names []string
	for _, n := range c.DNSNames {
		names = append(names, clean(n))
	}
	for _, ip := range c.IPAddresses {
		names = append(names, v.p.m.ip(ip))
	}
	what := "the certificate names " + strings.Join(names, ", ")
	if len(names) == 0 {
		what = "the certificate names no host at all (its subject: " + clean(c.Subject.String()) + ")"
	}
	v.p.para(5, 7, stNone, v.p.m.text(what)+"; we asked for "+v.p.m.text(clean(he.Host)))
}

// decoded says what undoing the content codings made of the body.
func (v *View) decoded(e fetchtrace.Event) {
	if len(e.Codings) == 0 {
		return
	}
	var codings []string
	for _, c := range e.Codings {
		codings = append(codings, clean(c))
	}
	line := fmt.Sprintf("decoded (%s, --compressed): the %s received became %s written",
		strings.Join(codings, ", "), plural(e.Size, "byte", "bytes"), plural(e.Decoded, "byte", "bytes"))
	if e.Decoded > 0 && e.Size > 0 {
		line += fmt.Sprintf(", %.1f times as many", float64(e.Decoded)/float64(e.Size))
	}
	v.p.para(3, 5, stGood, line)
}
