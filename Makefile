# Build and test entry points for backchannel.
#
#   make vendor    fetch htmx (pinned in package-lock.json) into static/vendor
#   make generate  regenerate *_templ.go from *.templ
#   make build     build bin/backchannel
#   make run       run the server (ARGS="..." passes extra flags)
#   make demo      run the server with a demo channel and a simulated audience
#                  (data in ./data/demo; ARGS="--rate 60" etc.)
#   make test      gofmt/vet/templ checks, start PostgreSQL + Meilisearch, go test
#   make soak      10 minutes of live load (300 msgs/s, 500 streams); fails if the
#                  server's memory or goroutines grow (SOAK_DURATION=2m etc.,
#                  see scripts/soak.sh); not part of make test
#   make fmt vet clean

GO     ?= go
NPM    ?= npm
ARGS   ?=
BIN    := bin/backchannel
VENDOR := static/vendor/htmx.min.js static/vendor/hx-sse.js

.PHONY: all vendor generate build run demo test fmt vet clean

all: build

# npm writes node_modules/.package-lock.json on every install, so it serves as
# the stamp: re-run npm ci whenever the lock file (or package.json) is newer.
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

static/vendor/htmx.min.js: node_modules/.package-lock.json
	@mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

static/vendor/hx-sse.js: node_modules/.package-lock.json
	@mkdir -p static/vendor
	cp node_modules/htmx.org/dist/ext/hx-sse.js $@

vendor: $(VENDOR)

generate:
	$(GO) tool templ generate

build: vendor
	$(GO) build -o $(BIN) ./cmd/backchannel

run: vendor
	$(GO) run ./cmd/backchannel serve $(ARGS)

demo: vendor
	$(GO) run ./cmd/backchannel demo $(ARGS)

test: vendor
	bash scripts/test.sh

.PHONY: soak
soak: vendor
	bash scripts/soak.sh

fmt:
	$(GO) tool templ fmt .
	find . -path ./node_modules -prune -o -path ./.git -prune -o -name '*.go' -exec gofmt -w {} +

vet:
	$(GO) vet ./...

clean:
	rm -rf bin
	find static/vendor -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
