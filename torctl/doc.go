// Package torctl speaks Tor's control protocol (torspec control-spec,
// sections 2 and 3): the small SMTP-like line protocol on Tor's ControlPort
// or ControlSocket.
//
// A Conn sends one command at a time and reads Tor's replies on a goroutine
// of its own, so asynchronous events (status code 650) that arrive while a
// command waits are queued for NextEvent instead of being mistaken for the
// command's reply. Every reply is read with named limits on line length and
// reply size, so a hostile or broken peer cannot make the reader grow without
// bound.
//
// The usual sequence is Dial (or DialAny, the first of several addresses
// that answers), ProtocolInfo, Authenticate, then commands such as GetInfo,
// SetConf, SetEvents and Signal, or NewIdentity for NEWNYM with its outcome
// read from Tor's events (applied at once, or deferred by the rate limit):
//
//	c, err := torctl.Dial(ctx, "127.0.0.1:9051")
//	...
//	defer c.Close()
//	if err := c.Authenticate(ctx, password, ""); err != nil { ... }
//	err = c.Signal(ctx, "NEWNYM")
package torctl
