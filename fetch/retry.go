package fetch

import (
	"errors"

	"sockfetch/fetch/socks"
)

// circuitReplies are Tor's SOCKS replies that report a failure of the
// circuit or of its exit, which another circuit (another exit, other
// relays, other introduction and rendezvous points) may not meet:
//
//   - 01 general failure: what Tor answers when the exit's stream failed
//     for another reason (a closed port at the target included, after Tor
//     tried three circuits) and when a circuit could not be built;
//   - 04 host unreachable: the exit could not resolve or reach the host
//     (another exit has another resolver and another network position);
//   - 05 connection refused, 06 TTL expired: the exit's connection to the
//     target was refused or timed out;
//   - F2 introduction failed, F3 rendezvous failed, F7 introduction timed
//     out: an onion service's circuits failed.
//
// Not here, as a new circuit cannot help: 02 (not allowed), 03, 07 and 08
// (the request itself), F0 (descriptor not found: the service is offline
// or the address mistyped), F1 (descriptor invalid), F4 and F5 (client
// authorization), F6 (a bad onion address).
var circuitReplies = map[socks.Reply]bool{
	socks.ReplyGeneralFailure:   true,
	socks.ReplyHostUnreachable:  true,
	socks.ReplyRefused:          true,
	socks.ReplyTTLExpired:       true,
	socks.ReplyTorIntroFailed:   true,
	socks.ReplyTorRendFailed:    true,
	socks.ReplyTorIntroTimedOut: true,
}

// CircuitFailed reports whether err is Tor's SOCKS reply that the circuit
// or its exit failed (circuitReplies), when d goes through Tor: a retry
// should then go out on a fresh circuit (WithFreshCircuit). Through any
// other proxy it is false: what its credentials mean is its own.
func (d *Dialer) CircuitFailed(err error) bool {
	if d == nil || d.Tor == nil {
		return false
	}
	var se *socks.Error
	return errors.As(err, &se) && se.Kind == socks.KindReply && circuitReplies[socks.Reply(se.Code)]
}

// WithFreshCircuit returns a copy of d that sends new random SOCKS
// credentials (socks.NewCircuitAuth) to Tor, so that Tor's IsolateSOCKSAuth
// puts the next connection on a circuit no earlier one used.
func (d *Dialer) WithFreshCircuit() *Dialer {
	c := *d
	c.Auth = socks.NewCircuitAuth()
	return &c
}
