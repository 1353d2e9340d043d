package torctl

import (
	"context"
	"errors"
	"strings"
)

// DialAny connects to the first of addrs whose control port answers, trying
// them in order, and returns the connection with its address. trying, when
// not nil, is called with each address before it is dialed. When none
// answers, the error is a *DialError with every address tried and why; when
// ctx ends, DialAny stops at the address it was dialing (ctx.Err() then
// tells a timeout from a failure).
func DialAny(ctx context.Context, addrs []string, trying func(addr string)) (*Conn, string, error) {
	if len(addrs) == 0 {
		return nil, "", errors.New("torctl: no control port address to dial")
	}
	de := &DialError{}
	for _, addr := range addrs {
		if trying != nil {
			trying(addr)
		}
		c, err := Dial(ctx, addr)
		if err == nil {
			return c, addr, nil
		}
		de.Attempts = append(de.Attempts, DialAttempt{Addr: addr, Err: err})
		if ctx.Err() != nil {
			break
		}
	}
	return nil, "", de
}

// DialError is DialAny's failure: every address tried, in order.
type DialError struct {
	Attempts []DialAttempt
}

// DialAttempt is one address DialAny tried and the dial's error.
type DialAttempt struct {
	Addr string
	Err  error
}

func (e *DialError) Error() string {
	var b strings.Builder
	b.WriteString("torctl: cannot connect to the control port at ")
	for i, a := range e.Attempts {
		if i > 0 {
			b.WriteString(" or ")
		}
		b.WriteString(a.Addr + " (" + a.Err.Error() + ")")
	}
	return b.String()
}

// Unwrap returns the attempts' errors, for errors.Is and errors.As.
func (e *DialError) Unwrap() []error {
	errs := make([]error, len(e.Attempts))
	for i, a := range e.Attempts {
		errs[i] = a.Err
	}
	return errs
}

// Last is the address tried last ("" when none was).
func (e *DialError) Last() string {
	if len(e.Attempts) == 0 {
		return ""
	}
	return e.Attempts[len(e.Attempts)-1].Addr
}
