package testenv

import (
	"net"
	"strconv"
	"testing"
)

func TestRequireToolFindsSh(t *testing.T) {
	if p := RequireTool(t, "sh"); p == "" {
		t.Fatal("RequireTool(sh) returned an empty path")
	}
}

func TestRequireToolMissingSkips(t *testing.T) {
	t.Setenv(RequireAllEnv, "")
	var skipped bool
	t.Run("missing", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		RequireTool(t, "sockfetch-no-such-tool")
		t.Error("RequireTool did not stop the test")
	})
	if !skipped {
		t.Error("missing tool: test was not skipped")
	}
}

func TestFreePortListens(t *testing.T) {
	p := FreePort(t)
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err != nil {
		t.Fatalf("listen on FreePort %d: %v", p, err)
	}
	ln.Close()
}
