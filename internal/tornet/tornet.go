//go:build linux

package tornet

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"
)

// ReadyTimeout bounds the wait for the client to bootstrap and carry a
// first fetch (and for the onion service to be reachable).
const ReadyTimeout = 90 * time.Second

// Options choose the parts of the network beyond the tor processes.
type Options struct {
	Onion bool // a tor of its own hosts an onion service serving OnionBody
	Netns bool // make the namespace test host and bind exits to their own addresses (root)
}

// Exit is one exit relay of the network.
type Exit struct {
	Nickname    string // for ExitNodes
	Fingerprint string // relay identity, 40 hex digits
	BindIP      string // the address its streams to the test host come from ("" without Netns)
}

// Net is a running private Tor network.
type Net struct {
	Dir string // where keys, torrcs, data directories and logs live

	SocksAddr      string // client SocksPort with ExtendedErrors, host:port
	SocksPlainAddr string // client SocksPort without ExtendedErrors
	SocksUnix      string // client SocksPort on a unix socket (with ExtendedErrors), a path

	ControlAddr     string // client ControlPort, host:port
	ControlUnix     string // client ControlSocket, a path
	CookieFile      string // the client's control_auth_cookie
	ControlPassword string // accepted by the client's control port (HashedControlPassword)
	ControlHash     string // the "16:…" hash of ControlPassword in the client's torrc

	OnionHost string // "<56 letters>.onion" of the network's onion service (with Options.Onion)

	Exits   []Exit
	Netns   *Netns // the test host (with Options.Netns)
	DNSName string // resolves at the exits only (see DNSDomain)

	CheckURL string // http://10.231.S.2/api/ip on the test host (with Options.Netns)

	Timings Timings

	nodes   []*node
	onion   *node // the onion service's tor, or nil
	pageURL string
	dns     *proc
	servers []*http.Server
	slot    *slot
	once    sync.Once
}

// Timings measured while the network came up.
type Timings struct {
	Setup     time.Duration // keys, torrcs, namespace, resolver: until the tors start
	Bootstrap time.Duration // tors started until the client reports 100%
	Ready     time.Duration // tors started until the first fetch through the client worked
	Onion     time.Duration // tors started until the onion service answered
	OnionTry  int           // onion services made until one uploaded its descriptor
}

// node is one tor process.
type node struct {
	Nick           string
	DataDir        string
	Owner          int
	ControlPort    int
	ORPort         int
	DirPort        int
	OnionPort      int // the onion service's tor: its HiddenServicePort target
	DirAuthorities []string
	// Exits.
	Exit       bool
	BindIP     string
	NetnsNet   string
	ResolvConf string
	// Client.
	SocksPort      int
	SocksPlainPort int
	SocksUnix      string
	ControlUnix    string
	HashedPassword string

	v3ident, fingerprint string
	template             string
	p                    *proc
}

const (
	nAuthorities = 3
	nRelays      = 2
)

// Start brings a network up in dir (which must exist and be empty) and
// returns once the client has bootstrapped and carried a fetch, and the
// onion service answers. Networks run side by side, up to
// maxSlots on a machine (Start waits only while all slots are taken). On error everything started is torn
// down.
func Start(ctx context.Context, dir string, o Options) (_ *Net, err error) {
	for _, tool := range tools {
		if err := lookTool(tool); err != nil {
			return nil, err
		}
	}
	n := &Net{Dir: dir}
	defer func() {
		if err != nil {
			n.Stop()
		}
	}()
	if n.slot, err = takeSlot(ctx); err != nil {
		return nil, err
	}
	t0 := time.Now()

	target := "127.0.0.1"
	if o.Netns {
		if why := netnsSupported(); why != "" {
			return nil, errors.New("tornet: " + why)
		}
		if n.Netns, err = newNetns(n.slot.n, nAuthorities); err != nil {
			return nil, fmt.Errorf("tornet: %w", err)
		}
		target = n.Netns.IP
		if err := n.serveInNetns(); err != nil {
			return nil, fmt.Errorf("tornet: check server: %w", err)
		}
	}
	n.DNSName = DNSDomain
	var resolvConf string
	if n.dns, resolvConf, err = startDNS(ctx, dir, target); err != nil {
		return nil, fmt.Errorf("tornet: %w", err)
	}

	// The loopback page: the first fetch's target and the onion service's.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	n.serve(ln, pageHandler(OnionBody))
	n.pageURL = "http://" + ln.Addr().String() + "/"
	onionPort := 0
	if o.Onion {
		onionPort = ln.Addr().(*net.TCPAddr).Port
	}

	if err := n.makeNodes(ctx, resolvConf, onionPort); err != nil {
		return nil, fmt.Errorf("tornet: %w", err)
	}
	n.Timings.Setup = time.Since(t0)

	t1 := time.Now()
	for _, nd := range n.nodes {
		nd.p, err = startProc(nd.Nick, filepath.Join(nd.DataDir, "stdout.log"), "tor", "-f", filepath.Join(nd.DataDir, "torrc"))
		if err != nil {
			return nil, fmt.Errorf("tornet: %w", err)
		}
	}
	rctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	if err := n.waitReady(rctx, t1, o.Onion); err != nil {
		return nil, fmt.Errorf("tornet: %w\n%s", err, n.logTails())
	}
	return n, nil
}

// makeNodes picks ports, makes the authorities' keys and writes every torrc.
func (n *Net) makeNodes(ctx context.Context, resolvConf string, onionPort int) error {
	ports, err := freePorts(3*nAuthorities + 2*nRelays + 1 + 3)
	if err != nil {
		return err
	}
	next := func() int { p := ports[0]; ports = ports[1:]; return p }
	owner := os.Getpid()
	newNode := func(nick, tmpl string) (*node, error) {
		dd := filepath.Join(n.Dir, nick)
		if err := os.MkdirAll(dd, 0o700); err != nil {
			return nil, err
		}
		nd := &node{Nick: nick, DataDir: dd, Owner: owner, ControlPort: next(), template: tmpl}
		n.nodes = append(n.nodes, nd)
		return nd, nil
	}
	for i := range nAuthorities {
		nd, err := newNode(fmt.Sprintf("auth%d", i), "authority.torrc")
		if err != nil {
			return err
		}
		nd.ORPort, nd.DirPort = next(), next()
		nd.Exit, nd.ResolvConf = true, resolvConf
		if n.Netns != nil {
			nd.BindIP, nd.NetnsNet = n.Netns.BindIPs[i], n.Netns.Net
		}
	}
	for i := range nRelays {
		nd, err := newNode(fmt.Sprintf("relay%d", i), "relay.torrc")
		if err != nil {
			return err
		}
		nd.ORPort = next()
	}
	if onionPort != 0 {
		nd, err := newNode("onion", "onion.torrc")
		if err != nil {
			return err
		}
		nd.OnionPort = onionPort
		n.onion = nd
	}
	c, err := newNode("client", "client.torrc")
	if err != nil {
		return err
	}
	c.SocksPort, c.SocksPlainPort = next(), next()
	c.SocksUnix = filepath.Join(c.DataDir, "socks.sock")
	c.ControlUnix = filepath.Join(c.DataDir, "control.sock")
	n.ControlPassword = randomHex(12)
	if c.HashedPassword, err = hashPassword(ctx, n.ControlPassword); err != nil {
		return err
	}
	n.ControlHash = c.HashedPassword

	// Keys for the authorities, in parallel: tor-gencert takes a moment.
	var wg sync.WaitGroup
	errs := make([]error, nAuthorities)
	for i, nd := range n.nodes[:nAuthorities] {
		wg.Go(func() {
			nd.v3ident, nd.fingerprint, errs[i] = authorityKeys(ctx, nd.DataDir, nd.DirPort)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	var dirAuths []string
	for _, nd := range n.nodes[:nAuthorities] {
		dirAuths = append(dirAuths, fmt.Sprintf("%s orport=%d no-v2 v3ident=%s 127.0.0.1:%d %s",
			nd.Nick, nd.ORPort, nd.v3ident, nd.DirPort, nd.fingerprint))
		n.Exits = append(n.Exits, Exit{Nickname: nd.Nick, Fingerprint: nd.fingerprint, BindIP: nd.BindIP})
	}

	tmpl, err := template.ParseGlob(filepath.Join(templateDir(), "*"))
	if err != nil {
		return fmt.Errorf("torrc templates: %w", err)
	}
	for _, nd := range n.nodes {
		nd.DirAuthorities = dirAuths
		f, err := os.Create(filepath.Join(nd.DataDir, "torrc"))
		if err != nil {
			return err
		}
		err = tmpl.ExecuteTemplate(f, nd.template, nd)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("torrc for %s: %w", nd.Nick, err)
		}
	}
	n.SocksAddr = hostPort(c.SocksPort)
	n.SocksPlainAddr = hostPort(c.SocksPlainPort)
	n.SocksUnix = c.SocksUnix
	n.ControlAddr = hostPort(c.ControlPort)
	n.ControlUnix = c.ControlUnix
	n.CookieFile = filepath.Join(c.DataDir, "control_auth_cookie")
	return nil
}

// templateDir is this package's testdata/tor.
func templateDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata", "tor")
}

// client is the client node.
func (n *Net) client() *node { return n.nodes[len(n.nodes)-1] }

// serve serves h on ln until Stop.
func (n *Net) serve(ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	n.servers = append(n.servers, srv)
	go srv.Serve(ln)
}

// serveInNetns starts the check server on port 80 of the test host.
func (n *Net) serveInNetns() error {
	ln, err := n.Netns.listen(80)
	if err != nil {
		return err
	}
	n.serve(ln, CheckHandler(n.Netns.BindIPs, nil))
	n.CheckURL = "http://" + n.Netns.IP + CheckPath
	return nil
}

// Stop stops every tor (SIGTERM, then SIGKILL after 5 s), the resolver and
// the servers, and removes the namespace. It is safe to call more than once.
func (n *Net) Stop() {
	n.once.Do(func() {
		var wg sync.WaitGroup
		for _, nd := range n.nodes {
			if nd.p != nil {
				wg.Go(nd.p.stop)
			}
		}
		if n.dns != nil {
			wg.Go(n.dns.stop)
		}
		wg.Wait()
		for _, srv := range n.servers {
			srv.Close()
		}
		if n.Netns != nil {
			n.Netns.remove()
		}
		if n.slot != nil {
			n.slot.Close()
		}
	})
}

// NodeNames lists the nicknames of the tor processes, client last.
func (n *Net) NodeNames() []string {
	var s []string
	for _, nd := range n.nodes {
		s = append(s, nd.Nick)
	}
	return s
}

// LogTail returns the last lines of the notice log of the named tor.
func (n *Net) LogTail(nick string, lines int) string {
	b, _ := os.ReadFile(filepath.Join(n.Dir, nick, "notice.log"))
	l := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}

// logTails shows the end of the client's log and of any tor that died.
func (n *Net) logTails() string {
	var b strings.Builder
	for _, nd := range n.nodes {
		dead := false
		if nd.p != nil {
			dead, _ = nd.p.exited()
		}
		if dead || nd == n.client() {
			fmt.Fprintf(&b, "--- %s notice.log (exited: %v)\n%s\n", nd.Nick, dead, n.LogTail(nd.Nick, 15))
		}
	}
	return b.String()
}

func hostPort(p int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(p)) }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
