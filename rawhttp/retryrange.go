package rawhttp

import (
	"strings"
	"time"
)

// MaxRetryAfter caps what RetryAfter returns: past it a wait means nothing
// to a command line, and it keeps the arithmetic far from overflow.
const MaxRetryAfter = 1 << 31 * time.Second

// RetryAfter returns the wait a Retry-After field value asks for (RFC 9110
// §10.2.3), read as curl 7.88 reads it: a decimal number of seconds first
// (leading spaces and a sign allowed, anything after the digits ignored);
// when that gives 0, an HTTP date, less now. A value that is neither, a
// date in the past and a negative number are 0 (curl then uses its own
// backoff); the wait is at most MaxRetryAfter.
func RetryAfter(value string, now time.Time) time.Duration {
	v := strings.TrimLeft(value, " \t")
	neg := false
	if v != "" && (v[0] == '-' || v[0] == '+') {
		neg = v[0] == '-'
		v = v[1:]
	}
	var secs int64
	i := 0
	for ; i < len(v) && '0' <= v[i] && v[i] <= '9'; i++ {
		if secs < int64(MaxRetryAfter/time.Second) {
			secs = secs*10 + int64(v[i]-'0')
		}
	}
	switch {
	case neg && secs > 0:
		return 0
	case secs > 0:
		return time.Duration(min(secs, int64(MaxRetryAfter/time.Second))) * time.Second
	}
	t, ok := ParseHTTPDate(strings.TrimSpace(value))
	if !ok || !t.After(now) {
		return 0
	}
	return min(t.Sub(now).Truncate(time.Second), MaxRetryAfter)
}

// httpDateLayouts are the three forms of an HTTP date (RFC 9110 §5.6.7):
// IMF-fixdate, then the obsolete RFC 850 and asctime forms.
var httpDateLayouts = [...]string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	"Monday, 02-Jan-06 15:04:05 GMT",
	"Mon Jan _2 15:04:05 2006",
}

// ParseHTTPDate parses an HTTP date in any of its three forms, in UTC.
func ParseHTTPDate(s string) (time.Time, bool) {
	for _, l := range httpDateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ContentRangeStart reads the first byte position of a Content-Range field
// value (RFC 9110 §14.4) as curl 7.88 does: it skips to the first digit or
// '*' and reads the digits there. ok is false when the value has no digit
// before a '*' (an unsatisfied range, "bytes */1000"), or none at all:
// curl then takes the response for the whole resource.
func ContentRangeStart(value string) (start int64, ok bool) {
	i := strings.IndexFunc(value, func(r rune) bool { return r == '*' || '0' <= r && r <= '9' })
	if i < 0 || value[i] == '*' {
		return 0, false
	}
	for ; i < len(value) && '0' <= value[i] && value[i] <= '9'; i++ {
		if start > (1<<63-1-9)/10 {
			return 0, false // past int64: no offset asked for can match it
		}
		start = start*10 + int64(value[i]-'0')
	}
	return start, true
}
