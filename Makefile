# frontdesk: `make demo` runs the demo, `make test` runs every test. Both set up what is
# missing first (PostgreSQL, pgvector, Chromium for the browser tests) with scripts/setup.sh.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

GOLANGCI_LINT_VERSION := v2.15.0
GOBIN := $(shell go env GOPATH)/bin

.PHONY: setup demo test build bench lint

setup:
	bash scripts/setup.sh

build:
	go build -o bin/frontdesk ./cmd/frontdesk

demo: setup build
	./bin/frontdesk demo

test:
	WITH_CHROMIUM=1 bash scripts/setup.sh
	go vet ./...
	$(MAKE) lint
	go test -count=1 -timeout 20m ./...

# golangci-lint is built from the Go module proxy once (it takes minutes on 2 cores).
lint:
	@test -x $(GOBIN)/golangci-lint && $(GOBIN)/golangci-lint version 2>/dev/null | grep -q "$(GOLANGCI_LINT_VERSION:v%=%)" \
	  || go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	$(GOBIN)/golangci-lint run ./...

bench: setup build
	./bin/frontdesk bench ingest
