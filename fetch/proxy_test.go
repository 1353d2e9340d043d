package fetch

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestParseProxy(t *testing.T) {
	tests := []struct {
		in      string
		want    Proxy
		wantErr string
	}{
		{in: "socks5h://127.0.0.1:9050", want: Proxy{Host: "127.0.0.1", Port: 9050, RemoteDNS: true}},
		{in: "socks5://proxy.lan", want: Proxy{Host: "proxy.lan", Port: 1080}},
		{in: "SOCKS5H://[::1]:1081", want: Proxy{Host: "::1", Port: 1081, RemoteDNS: true}},
		{in: "socks5h://al%40ice:p%3Ass@h:1", want: Proxy{Host: "h", Port: 1, RemoteDNS: true, User: "al@ice", Password: "p:ss", HasAuth: true}},
		{in: "127.0.0.1:1080", wantErr: "no scheme"},
		{in: "http://127.0.0.1:3128", wantErr: "http proxies are not supported"},
		{in: "socks4a://h:1", wantErr: `unsupported proxy scheme "socks4a"`},
		{in: "socks5h://:1080", wantErr: "no host"},
		{in: "socks5h://h:99999", wantErr: "bad port"},
		{in: "socks5h://h:1/path", wantErr: "no path"},
	}
	for _, tt := range tests {
		p, err := ParseProxy(tt.in, "-x")
		if tt.wantErr != "" {
			if err == nil || !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "-x") {
				t.Errorf("ParseProxy(%q) error %v, want ErrUsage naming -x and %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseProxy(%q): %v", tt.in, err)
			continue
		}
		tt.want.From = "-x"
		if *p != tt.want {
			t.Errorf("ParseProxy(%q) = %+v, want %+v", tt.in, *p, tt.want)
		}
	}
}

func TestNoProxyMatch(t *testing.T) {
	tests := []struct {
		list, host string
		want       bool
	}{
		{"*", "anything", true},
		{"example.com", "example.com", true},
		{"example.com", "www.example.com", true},
		{".example.com", "www.example.com", true},
		{"example.com", "notexample.com", false},
		{"example.com", "example.com.", true},
		{" a.test , b.test ", "b.test", true},
		{"127.0.0.0/8", "127.1.2.3", true},
		{"10.0.0.0/8", "127.0.0.1", false},
		{"::1", "::1", true},
		{"[::1]", "::1", true},
		{"localhost", "127.0.0.1", false},
		{"", "a", false},
	}
	for _, tt := range tests {
		if got := noProxyMatch(tt.list, tt.host); got != tt.want {
			t.Errorf("noProxyMatch(%q, %q) = %v, want %v", tt.list, tt.host, got, tt.want)
		}
	}
}

func TestProxySettingsFor(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	np := func(s string) *string { return &s }
	tests := []struct {
		name string
		s    ProxySettings
		url  string
		from string // "" for direct
		err  string
	}{
		{"nothing", ProxySettings{}, "http://a/", "", ""},
		{"flag", ProxySettings{Flag: "socks5h://p:1"}, "http://a/", "-x", ""},
		{"flag beats env", ProxySettings{Flag: "socks5h://p:1", Getenv: env(map[string]string{"ALL_PROXY": "junk"})}, "http://a/", "-x", ""},
		{"http_proxy", ProxySettings{Getenv: env(map[string]string{"http_proxy": "socks5h://p:1"})}, "http://a/", "http_proxy", ""},
		{"HTTP_PROXY ignored", ProxySettings{Getenv: env(map[string]string{"HTTP_PROXY": "socks5h://p:1"})}, "http://a/", "", ""},
		{"HTTPS_PROXY", ProxySettings{Getenv: env(map[string]string{"HTTPS_PROXY": "socks5h://p:1"})}, "https://a/", "HTTPS_PROXY", ""},
		{"https_proxy first", ProxySettings{Getenv: env(map[string]string{"https_proxy": "socks5h://p:1", "ALL_PROXY": "junk"})}, "https://a/", "https_proxy", ""},
		{"all_proxy", ProxySettings{Getenv: env(map[string]string{"all_proxy": "socks5://p:1"})}, "https://a/", "all_proxy", ""},
		{"NO_PROXY", ProxySettings{Getenv: env(map[string]string{"ALL_PROXY": "junk", "NO_PROXY": "a"})}, "http://a/", "", ""},
		{"no_proxy", ProxySettings{Getenv: env(map[string]string{"ALL_PROXY": "socks5h://p:1", "no_proxy": "b"})}, "http://a/", "ALL_PROXY", ""},
		{"--noproxy", ProxySettings{Flag: "socks5h://p:1", NoProxy: np("a")}, "http://a/", "", ""},
		{"--noproxy empty beats NO_PROXY", ProxySettings{NoProxy: np(""), Getenv: env(map[string]string{"ALL_PROXY": "socks5h://p:1", "NO_PROXY": "*"})}, "http://a/", "ALL_PROXY", ""},
		{"NO_PROXY not for -x", ProxySettings{Flag: "socks5h://p:1", Getenv: env(map[string]string{"NO_PROXY": "*"})}, "http://a/", "-x", ""},
		{"bad variable", ProxySettings{Getenv: env(map[string]string{"ALL_PROXY": "junk"})}, "http://a/", "", "ALL_PROXY"},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.url)
		p, err := tt.s.For(u)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want one naming %s", tt.name, err, tt.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.from == "" && p != nil:
			t.Errorf("%s: proxy %v, want direct", tt.name, p)
		case tt.from != "" && (p == nil || p.From != tt.from):
			t.Errorf("%s: proxy %+v, want one from %s", tt.name, p, tt.from)
		}
	}
}
