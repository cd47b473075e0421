# frontdesk: `make demo` runs the demo, `make test` runs every test. Both set up what is
# missing first (PostgreSQL, pgvector, Chromium for the browser tests) with scripts/setup.sh.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: setup demo test build bench

setup:
	bash scripts/setup.sh

build:
	go build -o bin/frontdesk ./cmd/frontdesk

demo: setup build
	./bin/frontdesk demo

test:
	WITH_CHROMIUM=1 bash scripts/setup.sh
	go vet ./...
	go test -count=1 -timeout 20m ./...

bench: setup build
	./bin/frontdesk bench ingest
