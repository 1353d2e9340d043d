package cli

import (
	"errors"

	"sockfetch/fetch"
	"sockfetch/netlock"
)

// restrictFunc applies the kernel lock: netlock.Restrict, or a stand-in in
// tests that run sockfetch in their own process.
type restrictFunc func(ports []int, required bool) (netlock.Status, error)

// lockOptions are the kernel lock's flags, the same for a fetch and for
// `sockfetch ip`: --lock, --no-lock and --require-lock.
type lockOptions struct {
	lock, noLock, require bool
}

// kernelLock returns the kernel lock for a dialer that goes through Tor
// (tor) or through the proxy given with -x (proxy, "" for none), or nil
// when the process stays unlocked. Through Tor the lock is on unless
// --no-lock; through -x only with --lock, or --require-lock, which implies
// it. --lock and --require-lock without a proxy to hold the process to are
// a mistake, as is --no-lock with either. restrict replaces netlock.Restrict
// (nil: the real lock). An error is a usage error's message, for the caller
// to wrap.
func kernelLock(o lockOptions, tor bool, proxy string, restrict restrictFunc) (*fetch.Lock, error) {
	want := o.lock || o.require
	switch {
	case o.noLock && want:
		return nil, errors.New("--no-lock contradicts --lock and --require-lock")
	case o.noLock:
		return nil, nil
	case !tor && proxy == "" && want:
		return nil, errors.New("--lock and --require-lock need --tor or -x socks5h://HOST:PORT: the kernel lock holds sockfetch to the proxy's port")
	case !tor && !want:
		return nil, nil
	}
	return &fetch.Lock{Required: o.require, Restrict: restrict}, nil
}
