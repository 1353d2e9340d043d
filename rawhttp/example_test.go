package rawhttp_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"sockfetch/rawhttp"
)

func ExampleRequest_Append() {
	q := rawhttp.Request{
		Method:    "GET",
		Target:    "/index.html",
		Host:      rawhttp.HostValue("http", "example.com", 8080),
		UserAgent: "sockfetch/1.0",
		Fields:    []rawhttp.Field{{Name: "Accept", Value: "text/html"}, {Name: "X-Trace", Value: "1"}},
	}
	b, err := q.Append(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", b)
	// Output:
	// "GET /index.html HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: sockfetch/1.0\r\nAccept: text/html\r\nX-Trace: 1\r\n\r\n"
}

func ExampleReader() {
	wire := "HTTP/1.1 100 Continue\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"5\r\nhello\r\n0\r\nChecksum: 42\r\n\r\n"
	r := rawhttp.NewReader(bufio.NewReader(strings.NewReader(wire)))
	r.Observe = func(e rawhttp.Event) { fmt.Printf("%4d %-12s %q\n", e.Offset, e.Kind, e.Raw) }
	resp, err := r.ReadResponse(nil, "GET")
	if err != nil {
		fmt.Println(err)
		return
	}
	body := r.Body(resp)
	b, err := io.ReadAll(body)
	fmt.Println(resp.Status, resp.Framing.Kind, string(b), err, body.(*rawhttp.ChunkedReader).Trailers())
	// Output:
	//    0 status-line  "HTTP/1.1 100 Continue\r\n"
	//   23 interim-end  "\r\n"
	//   25 status-line  "HTTP/1.1 200 OK\r\n"
	//   42 field        "Transfer-Encoding: chunked\r\n"
	//   70 head-end     "\r\n"
	//   72 framing      ""
	//   72 chunk-size   "5\r\n"
	//   75 chunk-data   ""
	//   82 chunk-size   "0\r\n"
	//   85 trailer      "Checksum: 42\r\n"
	//   99 body-end     "\r\n"
	// 200 chunked hello <nil> [{Checksum 42}]
}

func ExampleProtocolError() {
	_, err := rawhttp.ReadResponse(bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n")), "GET")
	var pe *rawhttp.ProtocolError
	if errors.As(err, &pe) {
		fmt.Println(err)
		fmt.Println(pe.Offset, pe.Rule, errors.Is(err, rawhttp.ErrMalformed))
	}
	// Output:
	// rawhttp: conflicting Content-Length values: "5, 6"
	// 17 RFC 9112 §6.3 rule 5: conflicting Content-Length true
}
