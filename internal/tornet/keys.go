//go:build linux

package tornet

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// authorityKeys makes the keys of a directory authority in dataDir/keys
// with tor-gencert and returns its v3 identity (the fingerprint of the
// authority certificate) and its relay identity fingerprint.
func authorityKeys(ctx context.Context, dataDir string, dirPort int) (v3ident, fingerprint string, err error) {
	keys := filepath.Join(dataDir, "keys")
	if err := os.MkdirAll(keys, 0o700); err != nil {
		return "", "", err
	}
	cmd := exec.CommandContext(ctx, "tor-gencert", "--create-identity-key", "--passphrase-fd", "0",
		"-m", "12", "-a", fmt.Sprintf("127.0.0.1:%d", dirPort))
	cmd.Dir = keys
	cmd.Stdin = strings.NewReader("\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("tor-gencert: %w: %s", err, bytes.TrimSpace(out))
	}
	cert, err := os.ReadFile(filepath.Join(keys, "authority_certificate"))
	if err != nil {
		return "", "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(cert))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "fingerprint "); ok {
			v3ident = strings.TrimSpace(v)
			break
		}
	}
	if v3ident == "" {
		return "", "", fmt.Errorf("no fingerprint line in %s/authority_certificate", keys)
	}
	fingerprint, err = relayFingerprint(ctx, dataDir)
	return v3ident, fingerprint, err
}

// relayFingerprint makes the relay identity key in dataDir (if missing)
// and returns its fingerprint, 40 hex digits.
func relayFingerprint(ctx context.Context, dataDir string) (string, error) {
	cmd := exec.CommandContext(ctx, "tor", "--ignore-missing-torrc", "-f", "/dev/null",
		"--list-fingerprint", "--orport", "1", "--DataDirectory", dataDir,
		"--Log", "err stderr")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("tor --list-fingerprint: %w: %s", err, bytes.TrimSpace(out))
	}
	b, err := os.ReadFile(filepath.Join(dataDir, "fingerprint"))
	if err != nil {
		return "", err
	}
	f := strings.Fields(string(b)) // "Unnamed 0123…"
	if len(f) != 2 || len(f[1]) != 40 {
		return "", fmt.Errorf("unexpected fingerprint file %q", b)
	}
	return f[1], nil
}

// hashPassword returns tor's HashedControlPassword form ("16:…") of pw.
func hashPassword(ctx context.Context, pw string) (string, error) {
	out, err := exec.CommandContext(ctx, "tor", "--quiet", "--hash-password", pw).Output()
	if err != nil {
		return "", fmt.Errorf("tor --hash-password: %w", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "16:") {
			return strings.TrimSpace(l), nil
		}
	}
	return "", fmt.Errorf("tor --hash-password: no hash in %q", out)
}
