# sockfetch — see README.md. `make demo` and `make test` are all a newcomer needs.
GO ?= go
BIN := sockfetch
FUZZTIME ?= 30s

.PHONY: build test demo bench fuzz lint install man deps tor-demo clean

# A static build starts faster (no dynamic loader, no libc); the tag drops
# urfave/cli's man-page generator, whose package init sockfetch never needs.
# See BENCHMARKS.md.
BUILDFLAGS ?= -tags urfave_cli_no_docs

build:
	CGO_ENABLED=0 $(GO) build $(BUILDFLAGS) -o $(BIN) .

deps:
	@./scripts/deps

test: deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

demo: build
	./$(BIN) demo

# tor-demo tells the Tor story offline with Debian's real tor: a private Tor
# network on 127.0.0.1 (internal/tornet), a fetch through it with --explain,
# sockfetch ip, sockfetch newnym, then teardown. Without tor it says how to
# install it.
tor-demo: build
	$(GO) run ./internal/tornet/cmd/tordemo -sockfetch ./$(BIN)

# bench compares sockfetch with curl on loopback (see BENCHMARKS.md);
# BENCHFLAGS passes flags to bench/cmd/compare, e.g. BENCHFLAGS=-pairs=5.
bench: build deps
	cd bench && $(GO) build -o out/server ./server && $(GO) build -o out/compare ./cmd/compare
	cd bench && ./out/compare -go $(GO) -sockfetch ../$(BIN) $(BENCHFLAGS)

fuzz:
	./scripts/fuzz $(FUZZTIME)

# lint uses staticcheck from PATH when there is one, else fetches it (network).
lint:
	$(GO) vet ./...
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck ./...; \
	else $(GO) run honnef.co/go/tools/cmd/staticcheck@2025.1.1 ./...; fi

install: build
	install -m 0755 $(BIN) /usr/local/bin/$(BIN)

clean:
	rm -f $(BIN) $(BIN).1
