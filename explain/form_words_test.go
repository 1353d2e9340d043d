package explain

import (
	"strings"
	"testing"
)

// TestFormWords: the fields of a form or an upload say in words how the
// body is laid out: a multipart form names its boundary and where each
// part starts.
func TestFormWords(t *testing.T) {
	for _, tt := range []struct {
		name, value string
		has         []string
	}{
		{"Content-Type", "multipart/form-data; boundary=------------------------4f1c2a9b8e7d6c5a", []string{"form in parts", "each part starts on a line --------------------------4f1c2a9b8e7d6c5a", "--------------------------4f1c2a9b8e7d6c5a-- ends the last", "random"}},
		{"Content-Type", "multipart/form-data", []string{"form in parts (-F)"}},
		{"Content-Type", "application/x-www-form-urlencoded", []string{"name=value pairs joined by &"}},
		{"Content-Type", "application/json", []string{"JSON data"}},
		{"Expect", "100-continue", []string{"100 Continue before the body"}},
		{"Transfer-Encoding", "chunked", []string{"size in hex", "size 0"}},
	} {
		got := requestFieldText(tt.name, tt.value)
		for _, h := range tt.has {
			if !strings.Contains(got, h) {
				t.Errorf("%s: %s: %q lacks %q", tt.name, tt.value, got, h)
			}
		}
	}
}

// TestAnnouncesBody: a head that announces a body whose bytes the request
// event does not carry (an upload, streamed) is told apart.
func TestAnnouncesBody(t *testing.T) {
	for head, want := range map[string]bool{
		"PUT /u HTTP/1.1\r\nContent-Length: 6\r\n\r\n":          true,
		"PUT /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n": true,
		"POST /u HTTP/1.1\r\nContent-Length: 0\r\n\r\n":         false,
		"GET / HTTP/1.1\r\nHost: h\r\n\r\n":                     false,
		"PUT /u HTTP/1.1\r\ncontent-length:  12 \r\n\r\n":       true,
	} {
		if got := announcesBody([]byte(head)); got != want {
			t.Errorf("announcesBody(%q) = %v, want %v", head, got, want)
		}
	}
}
