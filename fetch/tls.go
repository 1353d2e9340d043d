package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"

	"sockfetch/fetch/fetchtrace"
)

// tlsConfig returns the TLS settings of this fetch, loading --cacert once.
func (f *fetcher) tlsConfig() (*tls.Config, error) {
	if f.tlsConf != nil {
		return f.tlsConf, nil
	}
	cfg := &tls.Config{
		NextProtos:         []string{"http/1.1"},
		InsecureSkipVerify: f.req.Insecure,
	}
	if f.req.CACert != "" {
		pem, err := os.ReadFile(f.req.CACert)
		if err != nil {
			return nil, errorf(ErrReadFile, err, "cannot read CA certificates from %s: %v", f.req.CACert, unwrapPath(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errorf(ErrReadFile, nil, "no PEM certificate found in %s", f.req.CACert).
				withHint("--cacert takes a file of PEM certificates (-----BEGIN CERTIFICATE-----)")
		}
		cfg.RootCAs = pool
	}
	f.tlsConf = cfg
	return cfg, nil
}

// handshake runs the TLS handshake with host over c.
func (f *fetcher) handshake(ctx context.Context, c net.Conn, host string) (*tls.Conn, error) {
	base, err := f.tlsConfig()
	if err != nil {
		return nil, err
	}
	cfg := base.Clone()
	cfg.ServerName = host // Go sends no SNI for an IP literal
	if f.obs != nil {
		c = newTLSWatch(c, f)
	}
	tc := tls.Client(c, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvTLS, Host: host, Err: err, CAFile: f.req.CACert})
		return nil, f.tlsError(ctx, err, host)
	}
	if f.obs != nil {
		st := tc.ConnectionState()
		info := "certificate verified"
		if f.req.Insecure {
			info = "certificate NOT verified (-k)"
		}
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvTLS, Host: host, TLS: &st, Info: info, CAFile: f.req.CACert})
	}
	return tc, nil
}

// tlsError classifies a failed handshake.
func (f *fetcher) tlsError(ctx context.Context, err error, host string) error {
	var (
		cve *tls.CertificateVerificationError
		he  x509.HostnameError
		ua  x509.UnknownAuthorityError
		ci  x509.CertificateInvalidError
	)
	hint := "give the CA that signed it with --cacert FILE, or skip verification with -k (insecure)"
	switch {
	case errors.As(err, &he):
		return errorf(ErrCertificate, err, "server certificate is not valid for %s: %s", host, strings.TrimPrefix(he.Error(), "x509: ")).
			withHint("the certificate names other hosts; -k skips this check (insecure)")
	case errors.As(err, &ua):
		return errorf(ErrCertificate, err, "server certificate not trusted: %s", strings.TrimPrefix(ua.Error(), "x509: ")).withHint(hint)
	case errors.As(err, &ci):
		return errorf(ErrCertificate, err, "server certificate not valid: %s", strings.TrimPrefix(ci.Error(), "x509: ")).withHint(hint)
	case errors.As(err, &cve):
		return errorf(ErrCertificate, err, "server certificate not trusted: %s", strings.TrimPrefix(cve.Err.Error(), "x509: ")).withHint(hint)
	case expired(ctx, err):
		return f.connectTimeout(ctx, err)
	}
	msg := strings.TrimPrefix(err.Error(), "tls: ")
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "the server closed the connection during the handshake"
	}
	return errorf(ErrTLS, err, "TLS handshake with %s failed: %s", host, msg).
		withHint("is the server speaking TLS on this port? try http:// instead")
}
