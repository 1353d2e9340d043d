//go:build !linux

package explain

const tcpInfoAvailable = false
