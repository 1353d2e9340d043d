package fetch

import (
	"errors"
	"net/url"
	"testing"
)

func TestRemoveDotSegments(t *testing.T) {
	// RFC 3986 §5.2.4's and §5.4's examples, and curl's behaviour.
	tests := []struct{ in, want string }{
		{"/a/b/c/./../../g", "/a/g"},
		{"mid/content=5/../6", "mid/6"},
		{"/../../a/b/../c", "/a/c"},
		{"/a/./b/.", "/a/b/"},
		{"/a/b/..", "/a/"},
		{"/..", "/"},
		{"/.", "/"},
		{"", ""},
		{"/", "/"},
		{"/a//b/../c", "/a//c"},
		{"/%2e%2e/x", "/%2e%2e/x"},
		{"/a/..b/.c", "/a/..b/.c"},
		{"../x", "x"},
		{"./x", "x"},
	}
	for _, tt := range tests {
		if got := removeDotSegments(tt.in); got != tt.want {
			t.Errorf("removeDotSegments(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEncodeLocation(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/a b?c d", "/a%20b?c+d"},
		{"/caf\xc3\xa9", "/caf%c3%a9"},
		{"/p#f g", "/p#f%20g"},
		{"/p?q#f g", "/p?q#f+g"},
		{"http://h:1/x y?z w", "http://h:1/x%20y?z+w"},
		{"http://h", "http://h"},
		{"rel ative", "rel%20ative"},
		{"/already%20ok", "/already%20ok"},
	}
	for _, tt := range tests {
		if got := encodeLocation(tt.in); got != tt.want {
			t.Errorf("encodeLocation(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseURLCurlForms(t *testing.T) {
	tests := []struct {
		in, want string
		asIs     bool
		err      error
	}{
		{in: "http:/h/p", want: "http://h/p"},
		{in: "HTTP:///h/p", want: "http://h/p"},
		{in: "http:////h/p", err: ErrBadURL},
		{in: "http://h", want: "http://h/"},
		{in: "http://h?q", want: "http://h/?q"},
		{in: "http://h/a/../b", want: "http://h/b"},
		{in: "http://h/a/../b", want: "http://h/a/../b", asIs: true},
		{in: "http://h/a b", err: ErrBadURL},
		{in: "http://h/a\x7f", err: ErrBadURL},
		{in: "http://h/caf\xc3\xa9?\xc3\xa9", want: "http://h/caf%c3%a9?\xc3\xa9"},
		{in: "ftp://h/", err: ErrUnsupportedScheme},
	}
	for _, tt := range tests {
		u, err := parseURL(tt.in, tt.asIs)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("parseURL(%q) = %v, %v; want %v", tt.in, u, err, tt.err)
			}
			continue
		}
		if err != nil || u.String() != tt.want {
			t.Errorf("parseURL(%q) = %v, %v; want %q", tt.in, u, err, tt.want)
		}
	}
}

func TestResolveLocation(t *testing.T) {
	base, _ := url.Parse("http://h:8/d/r?x#frag")
	tests := []struct {
		loc, want string
		asIs      bool
	}{
		{loc: "/a b?c d", want: "http://h:8/a%20b?c+d"},
		{loc: "n/../m", want: "http://h:8/d/m"},
		{loc: "n/../m", want: "http://h:8/d/n/../m", asIs: true},
		{loc: "/x/./y", want: "http://h:8/x/./y", asIs: true},
		{loc: "?q", want: "http://h:8/d/r?q"},
		{loc: "//o/p", want: "http://o/p"},
		{loc: "https://o/p#f", want: "https://o/p"},
		{loc: "http:/o/p", want: "http://o/p"},
	}
	for _, tt := range tests {
		got, err := resolveLocation(base, tt.loc, tt.asIs)
		if err != nil || got.String() != tt.want {
			t.Errorf("resolveLocation(%q, asIs %v) = %v, %v; want %q", tt.loc, tt.asIs, got, err, tt.want)
		}
	}
	if _, err := resolveLocation(base, "/a\nb", false); !errors.Is(err, ErrBadURL) {
		t.Errorf("a control character: %v, want ErrBadURL", err)
	}
}

func TestLocalhostIPs(t *testing.T) {
	for _, h := range []string{"localhost", "LocalHost", "a.localhost", "a.b.LOCALHOST"} {
		ips, ok := localhostIPs(h)
		if !ok || len(ips) != 2 || ips[0].String() != "127.0.0.1" || ips[1].String() != "::1" {
			t.Errorf("localhostIPs(%q) = %v, %v", h, ips, ok)
		}
	}
	for _, h := range []string{"localhost.", "notlocalhost", "localhost.example", "xlocalhost", ""} {
		if ips, ok := localhostIPs(h); ok {
			t.Errorf("localhostIPs(%q) = %v, want none", h, ips)
		}
	}
}
