package explain

import "testing"

// TestCookieWords: what --explain says of a Cookie and a Set-Cookie line.
func TestCookieWords(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{requestFieldText("Cookie", "a=1; b=2"), "2 cookies the server set before, sent back (a, b): they tell it we are the client it saw then"},
		{requestFieldText("Cookie", "a=1"), "1 cookie the server set before, sent back (a): they tell it we are the client it saw then"},
		{requestFieldText("Cookie", ";"), "cookies the server asked us to send back"},
		{responseFieldText("Set-Cookie", "id=1; Domain=example.com; Path=/a; Secure; HttpOnly; Max-Age=60"),
			`asks the client to store the cookie "id" and send it back next time: to example.com and its subdomains, under /a, over https only, never to scripts, until it expires (Max-Age)`},
		{responseFieldText("Set-Cookie", "id=1"), `asks the client to store the cookie "id" and send it back next time`},
	} {
		if tt.got != tt.want {
			t.Errorf("got  %q\nwant %q", tt.got, tt.want)
		}
	}
}
