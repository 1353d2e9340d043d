# sockfetch — see README.md. `make demo` and `make test` are all a newcomer needs.
GO ?= go
BIN := sockfetch
FUZZTIME ?= 30s

.PHONY: build test demo bench fuzz lint cross install man deps tor-demo clean

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
	$(GO) test -count=1 -timeout 20m $(TESTFLAGS) ./...

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

# cross builds and vets sockfetch (tests included) for every platform the
# README names: the Linux-only parts (the kernel lock, the Tor test network)
# sit behind build tags, and this keeps them there. CI runs it.
CROSS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64 freebsd/amd64 freebsd/arm64

cross:
	@for p in $(CROSS); do \
		echo "cross: $$p"; \
		GOOS=$${p%/*} GOARCH=$${p#*/} CGO_ENABLED=0 $(GO) build -o /dev/null . || exit 1; \
		GOOS=$${p%/*} GOARCH=$${p#*/} CGO_ENABLED=0 $(GO) vet ./... || exit 1; \
	done

# lint uses staticcheck from PATH when there is one, else fetches it from the Go module proxy.
lint:
	$(GO) vet ./...
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck ./...; \
	else $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...; fi

# man writes the manual page from the app's definition. The generator
# (internal/cli/man.go) is in builds without urfave_cli_no_docs only, so it runs
# through `go run`, and the installed binary stays lean.
man:
	$(GO) run . man > $(BIN).1.tmp && mv $(BIN).1.tmp $(BIN).1 || { rm -f $(BIN).1.tmp; exit 1; }

# install honours PREFIX and DESTDIR: the binary, the manual page, and the
# bash and zsh completions (contrib/completion) where bash-completion and
# zsh look for them.
PREFIX ?= /usr/local
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
MANDIR ?= $(PREFIX)/share/man

install: build man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/$(BIN)
	install -m 0644 $(BIN).1 $(DESTDIR)$(MANDIR)/man1/$(BIN).1
	install -m 0644 contrib/completion/sockfetch.bash $(DESTDIR)$(BASHCOMPDIR)/$(BIN)
	install -m 0644 contrib/completion/_sockfetch $(DESTDIR)$(ZSHCOMPDIR)/_$(BIN)

clean:
	rm -f $(BIN) $(BIN).1
