package torctl

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Authentication methods that PROTOCOLINFO lists (control-spec 3.21).
const (
	MethodNull           = "NULL"           // no authentication
	MethodHashedPassword = "HASHEDPASSWORD" // the password behind torrc's HashedControlPassword
	MethodCookie         = "COOKIE"         // the cookie file's 32 bytes, sent as they are
	MethodSafeCookie     = "SAFECOOKIE"     // an HMAC challenge over the cookie (AUTHCHALLENGE)
)

var (
	// ErrPasswordRequired reports that Tor accepts only a password
	// (HashedControlPassword) and none was given.
	ErrPasswordRequired = errors.New("torctl: tor wants a control password")

	// ErrNoAuthMethod reports that Tor offers no method this package speaks.
	ErrNoAuthMethod = errors.New("torctl: no supported authentication method")
)

// ProtocolInfo is Tor's answer to PROTOCOLINFO (control-spec 3.21).
type ProtocolInfo struct {
	AuthMethods []string // as listed: "COOKIE", "SAFECOOKIE", "HASHEDPASSWORD", "NULL"
	CookieFile  string   // the cookie file's absolute path, when a cookie method is on
	TorVersion  string   // "0.4.9.11"
}

// HasMethod reports whether Tor offers the authentication method m.
func (p *ProtocolInfo) HasMethod(m string) bool {
	for _, a := range p.AuthMethods {
		if a == m {
			return true
		}
	}
	return false
}

// ProtocolInfo asks Tor how to authenticate. Before authentication Tor
// answers PROTOCOLINFO only once, so the answer is kept and returned again.
func (c *Conn) ProtocolInfo(ctx context.Context) (*ProtocolInfo, error) {
	c.mu.Lock()
	pi := c.pi
	c.mu.Unlock()
	if pi != nil {
		return pi, nil
	}
	r, err := c.Command(ctx, "PROTOCOLINFO 1")
	if err != nil {
		return nil, err
	}
	pi, err = parseProtocolInfo(r)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.pi = pi
	c.mu.Unlock()
	return pi, nil
}

// parseProtocolInfo reads the AUTH and VERSION lines of a PROTOCOLINFO
// reply; other lines are for future versions and are skipped.
func parseProtocolInfo(r *Reply) (*ProtocolInfo, error) {
	pi := new(ProtocolInfo)
	sawAuth := false
	for _, line := range r.Lines {
		word, rest, _ := strings.Cut(line, " ")
		switch word {
		case "AUTH":
			sawAuth = true
			kws, err := parseKeywords(rest)
			if err != nil {
				return nil, fmt.Errorf("torctl: PROTOCOLINFO: %w", err)
			}
			for _, kw := range kws {
				switch kw.Key {
				case "METHODS":
					pi.AuthMethods = strings.Split(kw.Value, ",")
				case "COOKIEFILE":
					pi.CookieFile = kw.Value
				}
			}
		case "VERSION":
			kws, err := parseKeywords(rest)
			if err != nil {
				return nil, fmt.Errorf("torctl: PROTOCOLINFO: %w", err)
			}
			for _, kw := range kws {
				if kw.Key == "Tor" {
					pi.TorVersion = kw.Value
				}
			}
		}
	}
	if !sawAuth {
		return nil, ProtocolError(fmt.Sprintf("PROTOCOLINFO reply without an AUTH line: %q", capQuote(r.Text())))
	}
	return pi, nil
}

// Authenticate authenticates the connection with the first method that fits
// what PROTOCOLINFO offers: NULL; HASHEDPASSWORD when password is not
// empty; SAFECOOKIE, else COOKIE, with cookieFile or, when that is empty,
// the file PROTOCOLINFO names if it is where Tor keeps a cookie
// (ReadNamedCookie). It returns ErrPasswordRequired when only a password
// would do and none was given, a *CookieError when the cookie file cannot
// be read or is not to be trusted (ErrCookieUntrusted), and an error
// matching ErrAuth when Tor refuses (Tor then closes the connection).
func (c *Conn) Authenticate(ctx context.Context, password, cookieFile string) error {
	pi, err := c.ProtocolInfo(ctx)
	if err != nil {
		return err
	}
	switch pi.Method(password != "") {
	case MethodNull:
		return c.authenticate(ctx, MethodNull, "")
	case MethodHashedPassword:
		if password == "" {
			return ErrPasswordRequired
		}
		return c.authenticate(ctx, "password", hex.EncodeToString([]byte(password)))
	case MethodSafeCookie, MethodCookie:
		var cookie []byte
		switch {
		case cookieFile != "":
			cookie, err = ReadCookie(cookieFile)
		case pi.CookieFile == "":
			return ProtocolError("PROTOCOLINFO offers cookie authentication but names no cookie file")
		default:
			cookieFile = pi.CookieFile
			cookie, err = ReadNamedCookie(cookieFile)
		}
		if err != nil {
			return err
		}
		if pi.HasMethod(MethodSafeCookie) {
			return c.safeCookie(ctx, cookie, cookieFile)
		}
		return c.authenticate(ctx, "cookie "+cookieFile, hex.EncodeToString(cookie))
	}
	return fmt.Errorf("%w: tor offers %q", ErrNoAuthMethod, strings.Join(pi.AuthMethods, ","))
}

// Method returns the method Authenticate uses: NULL when offered; else
// HASHEDPASSWORD when offered and withPassword; else SAFECOOKIE, else
// COOKIE; else HASHEDPASSWORD (which then needs a password); else "".
func (p *ProtocolInfo) Method(withPassword bool) string {
	switch {
	case p.HasMethod(MethodNull):
		return MethodNull
	case withPassword && p.HasMethod(MethodHashedPassword):
		return MethodHashedPassword
	case p.HasMethod(MethodSafeCookie):
		return MethodSafeCookie
	case p.HasMethod(MethodCookie):
		return MethodCookie
	case p.HasMethod(MethodHashedPassword):
		return MethodHashedPassword
	}
	return ""
}

// authenticate sends AUTHENTICATE with the hex token.
func (c *Conn) authenticate(ctx context.Context, how, token string) error {
	_, err := c.Command(ctx, strings.TrimSpace("AUTHENTICATE "+token))
	if err != nil {
		return fmt.Errorf("torctl: authenticate with %s: %w", how, err)
	}
	return nil
}

// HMAC keys of SAFECOOKIE (control-spec 3.24).
const (
	safeCookieServerKey = "Tor safe cookie authentication server-to-controller hash"
	safeCookieClientKey = "Tor safe cookie authentication controller-to-server hash"
	nonceSize           = 32
)

// safeCookie runs AUTHCHALLENGE SAFECOOKIE and AUTHENTICATE: Tor proves it
// knows the cookie before the controller proves it does, so the cookie never
// crosses the connection.
func (c *Conn) safeCookie(ctx context.Context, cookie []byte, path string) error {
	clientNonce := make([]byte, nonceSize)
	rand.Read(clientNonce)
	r, err := c.Command(ctx, "AUTHCHALLENGE SAFECOOKIE "+hex.EncodeToString(clientNonce))
	if err != nil {
		return fmt.Errorf("torctl: authenticate with safe cookie %s: %w", path, err)
	}
	serverHash, serverNonce, err := parseAuthChallenge(r)
	if err != nil {
		return err
	}
	want := cookieMAC(safeCookieServerKey, cookie, clientNonce, serverNonce)
	if !hmac.Equal(serverHash, want) {
		return fmt.Errorf("%w: the server's hash does not match cookie file %s (a different tor wrote it, or this is not tor)", ErrAuth, path)
	}
	clientHash := cookieMAC(safeCookieClientKey, cookie, clientNonce, serverNonce)
	return c.authenticate(ctx, "safe cookie "+path, hex.EncodeToString(clientHash))
}

func parseAuthChallenge(r *Reply) (serverHash, serverNonce []byte, err error) {
	word, rest, _ := strings.Cut(r.Lines[0], " ")
	if word != "AUTHCHALLENGE" {
		return nil, nil, ProtocolError(fmt.Sprintf("unexpected AUTHCHALLENGE reply %q", capQuote(r.Lines[0])))
	}
	kws, err := parseKeywords(rest)
	if err != nil {
		return nil, nil, fmt.Errorf("torctl: AUTHCHALLENGE: %w", err)
	}
	for _, kw := range kws {
		var dst *[]byte
		switch kw.Key {
		case "SERVERHASH":
			dst = &serverHash
		case "SERVERNONCE":
			dst = &serverNonce
		default:
			continue
		}
		b, err := hex.DecodeString(kw.Value)
		if err != nil || len(b) != sha256.Size {
			return nil, nil, ProtocolError(fmt.Sprintf("bad %s in AUTHCHALLENGE reply %q", kw.Key, capQuote(r.Lines[0])))
		}
		*dst = b
	}
	if serverHash == nil || serverNonce == nil {
		return nil, nil, ProtocolError(fmt.Sprintf("AUTHCHALLENGE reply without SERVERHASH or SERVERNONCE: %q", capQuote(r.Lines[0])))
	}
	return serverHash, serverNonce, nil
}

func cookieMAC(key string, cookie, clientNonce, serverNonce []byte) []byte {
	h := hmac.New(sha256.New, []byte(key))
	h.Write(cookie)
	h.Write(clientNonce)
	h.Write(serverNonce)
	return h.Sum(nil)
}
