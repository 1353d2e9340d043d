package explain

import (
	"crypto/tls"
	"strings"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/fetch/tlsrec"
)

// tlsRecord writes a TLS record as curl 7.88 records the ones OpenSSL
// sends and reads: "=> Send SSL data, 5 bytes (0x5)" for its header,
// then, for a hello or a change_cipher_spec, curl's Info line naming it
// ("TLSv1.3 (OUT), TLS handshake, Client hello (1):"). The payloads are
// not recorded: curl records them decrypted, and sockfetch sees them
// only as they cross the wire, under crypto/tls.
func (t *Trace) tlsRecord(r *fetchtrace.TLSRecord) {
	if r == nil || r.Err != nil {
		return
	}
	hdr := []byte{byte(r.Type), byte(r.Version >> 8), byte(r.Version), byte(r.Length >> 8), byte(r.Length)}
	dir, arrow := "IN", "<= Recv SSL data"
	if r.Send {
		dir, arrow = "OUT", "=> Send SSL data"
	}
	t.dump(arrow, hdr)
	switch {
	case r.Hello != nil && r.Hello.Client:
		t.tlsVer = highest(r.Hello.Versions, r.Hello.Version)
		t.info(curlTLSVersion(t.tlsVer) + " (" + dir + "), TLS handshake, Client hello (1):")
	case r.Hello != nil:
		t.tlsVer = highest(r.Hello.Versions, r.Hello.Version)
		t.info(curlTLSVersion(t.tlsVer) + " (" + dir + "), TLS handshake, Server hello (2):")
	case r.Type == tlsrec.ChangeCipherSpec:
		t.info(curlTLSVersion(t.tlsVer) + " (" + dir + "), TLS change cipher, Change cipher spec (1):")
	}
}

// highest returns the highest version of vs (supported_versions), or v.
func highest(vs []uint16, v uint16) uint16 {
	for _, x := range vs {
		if x&0x0f0f != 0x0a0a && x > v && x>>8 == 3 {
			v = x
		}
	}
	return v
}

// curlTLSVersion writes a version as curl: "TLSv1.3".
func curlTLSVersion(v uint16) string {
	return strings.ReplaceAll(tls.VersionName(v), " ", "v")
}

// dnsMsg records a DNS message sockfetch sent or received itself, in the
// layout of curl's records: "=> Send DNS, 48 bytes (0x30)" and a dump.
// curl has no such record: its resolver's datagrams are not its own.
func (t *Trace) dnsMsg(d *fetchtrace.DNSMsg) {
	if d == nil {
		return
	}
	switch {
	case d.Bytes == nil && d.Source == "/etc/hosts":
		t.info("DNS: " + clean(d.Host) + " found in /etc/hosts, no datagram sent")
	case d.Bytes == nil && d.Source == "this machine":
		t.info("DNS: " + clean(d.Host) + " answered by this machine, no datagram sent")
	case d.Bytes == nil:
		t.info("DNS: " + clean(d.Host) + " resolved by " + clean(d.Source) + ", no datagram sent")
	case d.Send:
		t.info("DNS: " + strings.ToUpper(d.Network) + " to " + clean(d.Server))
		t.dump("=> Send DNS", d.Bytes)
	default:
		t.dump("<= Recv DNS", d.Bytes)
	}
}
