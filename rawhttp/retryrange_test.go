package rawhttp

import (
	"strconv"
	"testing"
	"time"
)

var retryNow = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)

func TestRetryAfter(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{"1", time.Second},
		{" 120", 120 * time.Second},
		{"\t7 ", 7 * time.Second},
		{"+3", 3 * time.Second},
		{"5abc", 5 * time.Second}, // curl's strtoll: digits, then anything
		{"0", 0},
		{"-5", 0},
		{"", 0},
		{"soon", 0},
		{"99999999999999999999999", MaxRetryAfter},
		{"Thu, 03 Dec 2026 08:00:30 GMT", 30 * time.Second},
		{" Thu, 03 Dec 2026 08:01:00 GMT ", time.Minute},
		{"Thursday, 03-Dec-26 08:00:10 GMT", 10 * time.Second},
		{"Thu Dec  3 08:00:05 2026", 5 * time.Second},
		{"Thu, 03 Dec 2026 07:59:00 GMT", 0}, // in the past
		{"Thu, 03 Dec 2026 08:00:00 GMT", 0}, // now
		{"Thu, 03 Dec 2026 08:00:00 CET", 0}, // not GMT: not an HTTP date
	} {
		if got := RetryAfter(c.in, retryNow); got != c.want {
			t.Errorf("RetryAfter(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestContentRangeStart(t *testing.T) {
	for _, c := range []struct {
		in    string
		start int64
		ok    bool
	}{
		{"bytes 5-9/10", 5, true},
		{"bytes 0-0/1", 0, true},
		{"5-9/10", 5, true},
		{"bytes: 100-", 100, true},
		{"bytes */10", 0, false},
		{"bytes", 0, false},
		{"", 0, false},
		{"bytes 99999999999999999999-", 0, false},
	} {
		start, ok := ContentRangeStart(c.in)
		if start != c.start || ok != c.ok {
			t.Errorf("ContentRangeStart(%q) = %d, %v; want %d, %v", c.in, start, ok, c.start, c.ok)
		}
	}
}

// FuzzRetryAfter: never panics, never negative, never past the cap; a
// number of seconds reads back as itself.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"1", "120", "-5", "Thu, 03 Dec 2026 08:00:30 GMT", "Thursday, 03-Dec-26 08:00:10 GMT", "Thu Dec  3 08:00:05 2026", "5abc", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := RetryAfter(s, retryNow)
		if d < 0 || d > MaxRetryAfter {
			t.Fatalf("RetryAfter(%q) = %v", s, d)
		}
		if n, err := strconv.ParseInt(s, 10, 32); err == nil && n > 0 && s[0] != '+' {
			if d != time.Duration(n)*time.Second {
				t.Fatalf("RetryAfter(%q) = %v, want %ds", s, d, n)
			}
		}
	})
}

// FuzzContentRangeStart: never panics, never a negative offset.
func FuzzContentRangeStart(f *testing.F) {
	for _, s := range []string{"bytes 5-9/10", "bytes */10", "", "5-", "bytes 99999999999999999999-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if start, ok := ContentRangeStart(s); start < 0 || !ok && start != 0 {
			t.Fatalf("ContentRangeStart(%q) = %d, %v", s, start, ok)
		}
	})
}
