// Package bench holds sockfetch's benchmarks, in a module of their own so
// that the main go.mod gains nothing from them.
//
// The parser benchmarks (go test -bench . -benchmem) compare rawhttp with
// fasthttp's ResponseHeader.Read and net/http.ReadResponse on the same
// inputs. The whole-program comparisons with curl live in cmd/compare, the
// loopback origin they fetch from in server; `make bench` at the root runs
// them all and prints one table (see BENCHMARKS.md).
package bench
