//go:build !unix

package cli

import "testing"

func makeFIFO(t *testing.T, path, body string) { t.Skip("no named pipes") }
