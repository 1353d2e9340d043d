package rawhttp

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDecideFraming(t *testing.T) {
	cl := func(v string) Field { return Field{"Content-Length", v} }
	te := func(v string) Field { return Field{"Transfer-Encoding", v} }
	tests := []struct {
		method       string
		status       int
		minor        int
		fields       []Field
		kind         FramingKind
		length       int64
		both, faulty bool
		reason       string // part of Reason
		err          bool
	}{
		{"HEAD", 200, 1, []Field{cl("10")}, NoBody, 0, false, false, "HEAD", false},
		{"GET", 100, 1, nil, NoBody, 0, false, false, "1xx", false},
		{"GET", 204, 1, []Field{cl("x")}, NoBody, 0, false, false, "204", false},
		{"GET", 304, 1, []Field{te("chunked")}, NoBody, 0, false, false, "304", false},
		{"CONNECT", 200, 1, []Field{cl("5")}, NoBody, 0, false, false, "tunnel", false},
		{"CONNECT", 407, 1, []Field{cl("5")}, Length, 5, false, false, "Content-Length", false},
		{"GET", 200, 1, []Field{te("chunked")}, Chunked, 0, false, false, "rule 4", false},
		{"GET", 200, 1, []Field{cl("5"), te("chunked")}, Chunked, 0, true, false, "overrides Content-Length", false},
		{"GET", 200, 1, []Field{te("gzip")}, UntilClose, 0, false, false, "does not end in chunked", false},
		{"GET", 200, 1, []Field{te("chunked"), te("gzip")}, UntilClose, 0, false, false, "does not end in chunked", false},
		{"GET", 200, 1, []Field{te("gzip;q=1, CHUNKED")}, Chunked, 0, false, false, "rule 4", false},
		{"GET", 200, 0, []Field{te("chunked"), cl("5")}, UntilClose, 0, true, true, "HTTP/1.0", false},
		{"GET", 200, 1, []Field{te("chunked, chunked")}, 0, 0, false, false, "", true},
		{"GET", 200, 1, []Field{te("")}, 0, 0, false, false, "", true},
		{"GET", 200, 1, []Field{cl("0")}, Length, 0, false, false, "rule 6", false},
		{"GET", 200, 1, []Field{cl("9223372036854775807")}, Length, 1<<63 - 1, false, false, "rule 6", false},
		{"GET", 200, 1, []Field{cl("9223372036854775808")}, 0, 0, false, false, "", true},
		{"GET", 200, 1, []Field{cl("7, 7"), cl("7")}, Length, 7, false, false, "rule 6", false},
		{"GET", 200, 1, []Field{cl("7"), cl("8")}, 0, 0, false, false, "", true},
		{"GET", 200, 1, []Field{cl("-0")}, 0, 0, false, false, "", true},
		{"GET", 200, 1, []Field{cl(" 1")}, Length, 1, false, false, "rule 6", false}, // values arrive trimmed; lists trim too
		{"GET", 200, 1, nil, UntilClose, 0, false, false, "rule 8", false},
		{"POST", 201, 1, []Field{{"X", "y"}}, UntilClose, 0, false, false, "rule 8", false},
	}
	for _, tt := range tests {
		f, err := DecideFraming(tt.method, tt.status, 1, tt.minor, tt.fields)
		if tt.err {
			var pe *ProtocolError
			if !errors.As(err, &pe) || !errors.Is(err, ErrMalformed) || !strings.HasPrefix(pe.Rule, "RFC 911") {
				t.Errorf("%s %d %q: got %+v, %v; want a malformed error", tt.method, tt.status, tt.fields, f, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %d %q: %v", tt.method, tt.status, tt.fields, err)
			continue
		}
		if f.Kind != tt.kind || f.Length != tt.length || f.BothTECL != tt.both || f.Faulty != tt.faulty || !strings.Contains(f.Reason, tt.reason) {
			t.Errorf("%s %d %q: got %+v, want kind %v length %d both %v faulty %v reason ~%q",
				tt.method, tt.status, tt.fields, f, tt.kind, tt.length, tt.both, tt.faulty, tt.reason)
		}
	}
}

func TestFramingKindString(t *testing.T) {
	for k, want := range map[FramingKind]string{NoBody: "none", Length: "length", Chunked: "chunked", UntilClose: "close", 9: "framing(9)"} {
		if got := k.String(); got != want {
			t.Errorf("%d: %q, want %q", k, got, want)
		}
	}
}

func TestTransferCodings(t *testing.T) {
	tests := []struct {
		fields []Field
		want   []string
	}{
		{nil, nil},
		{[]Field{{"Content-Length", "5"}}, nil},
		{[]Field{{"Transfer-Encoding", "chunked"}}, []string{"chunked"}},
		{[]Field{{"Transfer-Encoding", " GZip ;q=1 , ,Chunked"}}, []string{"gzip", "chunked"}},
		{[]Field{{"transfer-encoding", "identityx"}, {"X", "y"}, {"Transfer-Encoding", "deflate, chunked"}}, []string{"identityx", "deflate", "chunked"}},
	}
	for _, tt := range tests {
		r := &Response{Fields: tt.fields}
		if got := r.TransferCodings(); !slices.Equal(got, tt.want) {
			t.Errorf("%q: %q, want %q", tt.fields, got, tt.want)
		}
	}
}
