package torctl

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"time"
)

// NewnymOutcome is what Tor did with a SIGNAL NEWNYM, as its events tell.
type NewnymOutcome int

const (
	// NewnymUnknown: no event said, in the time given to wait (or Tor
	// would not send events).
	NewnymUnknown NewnymOutcome = iota
	// NewnymApplied: Tor switched at once ("650 SIGNAL NEWNYM").
	NewnymApplied
	// NewnymDeferred: Tor rate-limits NEWNYM to once every 10 seconds and
	// switches when that window ends ("650 NOTICE Rate limiting NEWNYM
	// request: delaying by N second(s)"). It still answered 250 OK.
	NewnymDeferred
)

func (o NewnymOutcome) String() string {
	switch o {
	case NewnymApplied:
		return "applied"
	case NewnymDeferred:
		return "deferred"
	}
	return "unknown"
}

// Newnym is the answer to NewIdentity.
type Newnym struct {
	Outcome NewnymOutcome
	Delay   time.Duration // NewnymDeferred: how long until Tor switches
}

// rateLimited matches Tor's notice for a deferred NEWNYM.
var rateLimited = regexp.MustCompile(`^Rate limiting NEWNYM request: delaying by (\d+) second`)

// NewIdentity asks Tor, on an authenticated connection, for a new identity
// (SIGNAL NEWNYM, control-spec 3.7): new connections then use new circuits,
// those already open keep theirs. Tor answers 250 OK whether it switches at
// once or defers the switch (at most once every 10 seconds), so NewIdentity
// subscribes to the SIGNAL and NOTICE events first and then waits up to
// wait for the one that says which. The connection stays subscribed. The
// error is SIGNAL's: a *ReplyError, ErrClosed, a ProtocolError or ctx's.
func (c *Conn) NewIdentity(ctx context.Context, wait time.Duration) (Newnym, error) {
	watching := c.SetEvents(ctx, "SIGNAL", "NOTICE") == nil
	if err := c.Signal(ctx, "NEWNYM"); err != nil {
		return Newnym{}, err
	}
	if !watching {
		return Newnym{}, nil
	}
	return c.watchNewnym(ctx, wait), nil
}

// watchNewnym waits up to wait for the event that says what Tor did with
// NEWNYM.
func (c *Conn) watchNewnym(ctx context.Context, wait time.Duration) Newnym {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		e, err := c.NextEvent(ctx)
		if errors.Is(err, ErrEventsDropped) {
			continue
		}
		if err != nil {
			return Newnym{}
		}
		switch {
		case e.Type == "SIGNAL" && e.Text == "NEWNYM":
			return Newnym{Outcome: NewnymApplied}
		case e.Type == "NOTICE":
			if m := rateLimited.FindStringSubmatch(e.Text); m != nil {
				n, _ := strconv.Atoi(m[1])
				return Newnym{Outcome: NewnymDeferred, Delay: time.Duration(n) * time.Second}
			}
		}
	}
}

// hashedPassword matches the form of torrc's HashedControlPassword.
var hashedPassword = regexp.MustCompile(`^16:[0-9A-Fa-f]{58}$`)

// IsHashedPassword reports whether s has the form of torrc's
// HashedControlPassword ("16:" and 58 hex digits, from tor
// --hash-password): the hash of a password, which Tor refuses as one.
func IsHashedPassword(s string) bool { return hashedPassword.MatchString(s) }

// AcceptsCookie reports whether Tor offers a cookie method (SAFECOOKIE or
// COOKIE).
func (p *ProtocolInfo) AcceptsCookie() bool {
	return p.HasMethod(MethodSafeCookie) || p.HasMethod(MethodCookie)
}
