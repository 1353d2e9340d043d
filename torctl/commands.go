package torctl

import (
	"context"
	"fmt"
	"strings"
)

// GetInfo asks Tor for the values of keys such as "version",
// "status/bootstrap-phase" or "net/listeners/socks" (control-spec 3.9). A
// value Tor sends as a data block comes back with its lines joined by "\n".
func (c *Conn) GetInfo(ctx context.Context, keys ...string) (map[string]string, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("torctl: GETINFO: no keys")
	}
	for _, k := range keys {
		if k == "" || strings.ContainsAny(k, " \"\r\n\x00") {
			return nil, fmt.Errorf("torctl: GETINFO: bad key %q", capQuote(k))
		}
	}
	r, err := c.Command(ctx, "GETINFO "+strings.Join(keys, " "))
	if err != nil {
		return nil, err
	}
	return parseGetInfo(r)
}

// parseGetInfo reads the key=value lines of a GETINFO reply; its end line is
// "OK".
func parseGetInfo(r *Reply) (map[string]string, error) {
	m := make(map[string]string, len(r.Lines))
	for i, line := range r.Lines {
		if i == len(r.Lines)-1 && line == "OK" {
			break
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, ProtocolError(fmt.Sprintf("GETINFO reply line without '=': %q", capQuote(line)))
		}
		// A data line's value follows "key=" after a "\n".
		m[k] = strings.TrimPrefix(v, "\n")
	}
	return m, nil
}

// SetConf changes Tor's configuration (control-spec 3.1). Each item is
// "Key=value", or "Key" alone to set the option to nothing; for example
// SetConf(ctx, "ExitNodes=exit1"). Tor applies all items or none.
func (c *Conn) SetConf(ctx context.Context, kv ...string) error {
	if len(kv) == 0 {
		return fmt.Errorf("torctl: SETCONF: nothing to set")
	}
	var b strings.Builder
	b.WriteString("SETCONF")
	for _, item := range kv {
		k, v, hasValue := strings.Cut(item, "=")
		if !isWord(k) {
			return fmt.Errorf("torctl: SETCONF: bad option name in %q", capQuote(item))
		}
		b.WriteByte(' ')
		b.WriteString(k)
		if hasValue {
			b.WriteByte('=')
			b.WriteString(quote(v))
		}
	}
	_, err := c.Command(ctx, b.String())
	return err
}

// Signal sends a signal such as "NEWNYM", "RELOAD" or "CLEARDNSCACHE"
// (control-spec 3.7). Tor answers 250 OK before it acts on the signal; it
// applies NEWNYM at most once every 10 seconds and defers one that comes
// sooner.
func (c *Conn) Signal(ctx context.Context, name string) error {
	if !isWord(name) {
		return fmt.Errorf("torctl: SIGNAL: bad signal name %q", capQuote(name))
	}
	_, err := c.Command(ctx, "SIGNAL "+name)
	return err
}
