package rawhttp

// The rules of RFC 9112 (HTTP/1.1) and RFC 9110 (HTTP semantics) that this
// package cites, each written once. A ProtocolError's Rule is one of the
// rule* strings; a Framing's Reason is one of the reason* strings. Their text
// is what users and the teaching views read, so a change here changes
// output.

// Framing reasons of RFC 9112 §6.3, one per outcome of DecideFraming, so
// the trace can show why.
const (
	reasonHEAD      = "no body: response to HEAD, RFC 9112 §6.3 rule 1"
	reason1xx       = "no body: 1xx response, RFC 9112 §6.3 rule 1"
	reason204       = "no body: 204 No Content, RFC 9112 §6.3 rule 1"
	reason304       = "no body: 304 Not Modified, RFC 9112 §6.3 rule 1"
	reasonCONNECT   = "no body: 2xx to CONNECT, the connection is now a tunnel, RFC 9112 §6.3 rule 2"
	reasonTE10      = "read to close: Transfer-Encoding in an HTTP/1.0 response means faulty framing, RFC 9112 §6.1"
	reasonChunked   = "chunked: Transfer-Encoding ends in chunked, RFC 9112 §6.3 rule 4"
	reasonChunkedCL = "chunked: Transfer-Encoding ends in chunked and overrides Content-Length, RFC 9112 §6.3 rule 3"
	reasonTEClose   = "read to close: Transfer-Encoding does not end in chunked, RFC 9112 §6.3 rule 4"
	reasonLength    = "length: Content-Length, RFC 9112 §6.3 rule 6"
	reasonClose     = "read to close: neither Transfer-Encoding nor Content-Length, RFC 9112 §6.3 rule 8"
)

// Rules cited by head errors: the message as a whole (RFC 9112 §2) and its
// status line (§4).
const (
	ruleEmpty      = "RFC 9112 §2.1: a response begins with a status line"
	ruleHeadEnd    = "RFC 9112 §2.1: a head ends with an empty line"
	ruleStatusLine = "RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]"
)

// Rules cited by field errors (RFC 9112 §5, RFC 9110 §5.5).
const (
	ruleFieldLine  = "RFC 9112 §5: field-line = field-name \":\" OWS field-value OWS"
	ruleColonSpace = "RFC 9112 §5.1: no whitespace is allowed between the field name and colon"
	ruleFieldChars = "RFC 9110 §5.5: a field value must not contain CR, LF or NUL"
	ruleFoldFirst  = "RFC 9112 §2.2: whitespace between the start-line and the first field"
)

// Rules cited by framing errors: Transfer-Encoding (RFC 9112 §6.1) and
// Content-Length (§6.3 rules 5 and 6).
const (
	ruleTE          = "RFC 9112 §6.1: Transfer-Encoding = #transfer-coding"
	ruleChunkedOnce = "RFC 9112 §6.1: chunked must not be applied more than once"
	ruleCL          = "RFC 9112 §6.3 rule 5: invalid Content-Length"
	ruleCLConflict  = "RFC 9112 §6.3 rule 5: conflicting Content-Length"
	ruleBodyShort   = "RFC 9112 §6.3 rule 6: a body shorter than Content-Length is incomplete"
)

// Rules cited by chunked errors (RFC 9112 §7.1).
const (
	ruleChunk    = "RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF"
	ruleChunkLF  = "RFC 9112 §7.1 (erratum 7633): chunk lines end in CRLF, not a bare LF"
	ruleChunkEnd = "RFC 9112 §7.1: a chunked body ends with a last chunk and an empty line"
	ruleChunkExt = "RFC 9112 §7.1.1: chunk-ext-val = token / quoted-string, closed on its line"
)

// Persistence reasons of RFC 9112 §9.3 and §9.6, one per outcome of
// Persistent.
const (
	reasonKeep11           = "HTTP/1.1 keeps the connection open by default, RFC 9112 §9.3"
	reasonKeep10           = "HTTP/1.0 with Connection: keep-alive keeps the connection open, RFC 9112 §9.3"
	reasonNoKeep10         = "an HTTP/1.0 response without Connection: keep-alive ends the connection, RFC 9112 §9.3"
	reasonNoKeepClose      = "the server said Connection: close, RFC 9112 §9.6"
	reasonNoKeepUntilClose = "the body ended with the connection (no Content-Length, not chunked), RFC 9112 §6.3 rule 8"
	reasonNoKeep101        = "101 Switching Protocols: what follows is not HTTP/1.1, RFC 9110 §15.2.2"
)
