#!/usr/bin/env bash
# Idempotent set-up for Debian bookworm (run as root): PostgreSQL with pgvector and
# btree_gist reachable at DATABASE_URL, and the databases frontdesk uses.
# Safe to run again: every step checks before it acts.
set -euo pipefail

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/frontdesk?sslmode=disable}
TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/frontdesk_test?sslmode=disable}
WITH_CHROMIUM=${WITH_CHROMIUM:-0}

export PGOPTIONS="-c client_min_messages=warning"

log() { printf '[setup] %s\n' "$*"; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "setup: this step needs root (apt-get); run as root or install it yourself: $*" >&2
    exit 1
  fi
}

# admin_url points at the server's maintenance database.
admin_url() { printf '%s' "$DATABASE_URL" | sed -E 's#/[^/?]+(\?|$)#/postgres\1#'; }
db_name() { printf '%s' "$1" | sed -E 's#^.*/([^/?]+)(\?.*)?$#\1#'; }

server_answers() { pg_isready -q -d "$(admin_url)" 2>/dev/null; }

# 1. A PostgreSQL server.
if ! command -v pg_isready >/dev/null 2>&1; then
  need_root postgresql-client
  log "installing PostgreSQL client"
  apt_install postgresql-client
fi
if ! server_answers; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    need_root postgresql
    log "installing PostgreSQL from Debian's packages"
    apt_install postgresql postgresql-contrib
  fi
  ver=$(ls /etc/postgresql | sort -V | tail -n1)
  conf=/etc/postgresql/$ver/main
  # Local development default: trust on loopback, as the README documents.
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$conf/pg_hba.conf"
  fi
  log "starting PostgreSQL $ver"
  # The package may have started the cluster already: reload so the pg_hba.conf line counts.
  pg_ctlcluster --skip-systemctl-redirect "$ver" main reload 2>/dev/null || true
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || true
  for _ in $(seq 1 30); do server_answers && break; sleep 1; done
  server_answers || { echo "setup: PostgreSQL does not answer at $(admin_url)" >&2; exit 1; }
fi

# 2. pgvector: built from Debian's source package against the server's major version.
server_major=$(psql "$(admin_url)" -Atc "show server_version_num" | cut -c1-2)
if ! psql "$(admin_url)" -Atc "select 1 from pg_available_extensions where name = 'vector'" | grep -q 1; then
  need_root pgvector
  log "building pgvector from Debian's source package for PostgreSQL $server_major"
  if ! grep -rqs 'trixie' /etc/apt/sources.list.d/frontdesk-src.sources; then
    cat > /etc/apt/sources.list.d/frontdesk-src.sources <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt_updated=0
  fi
  apt_install dpkg-dev build-essential "postgresql-server-dev-$server_major"
  work=$(mktemp -d)
  (cd "$work" && apt-get source -qq pgvector >/dev/null 2>&1)
  src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
  [ -n "$src" ] || { echo "setup: apt-get source pgvector found nothing" >&2; exit 1; }
  pgc=/usr/lib/postgresql/$server_major/bin/pg_config
  make -s -C "$src" PG_CONFIG="$pgc" OPTFLAGS="" >/dev/null
  make -s -C "$src" PG_CONFIG="$pgc" install >/dev/null
  rm -rf "$work"
fi

# 3. The databases, with their extensions.
for url in "$DATABASE_URL" "$TEST_DATABASE_URL"; do
  name=$(db_name "$url")
  if ! psql "$(admin_url)" -Atc "select 1 from pg_database where datname = '$name'" | grep -q 1; then
    log "creating database $name"
    psql "$(admin_url)" -qc "create database \"$name\""
  fi
  psql "$url" -qc "create extension if not exists vector; create extension if not exists btree_gist" >/dev/null
done

# 4. Optional: Chromium for the browser tests.
if [ "$WITH_CHROMIUM" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  need_root chromium
  log "installing Chromium for the browser tests"
  apt_install chromium
fi

# 5. poppler-utils: pdftotext reads the PDFs owners upload to the knowledge base.
if ! command -v pdftotext >/dev/null 2>&1; then
  need_root poppler-utils
  log "installing poppler-utils (pdftotext) for PDF documents"
  apt_install poppler-utils
fi

# 5b. Voice notes: ffmpeg converts them, pocketsphinx (with its US English model)
# transcribes them offline; espeak-ng speaks the test sentences the voice tests and
# `frontdesk eval voice` transcribe.
if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v pocketsphinx_continuous >/dev/null 2>&1 \
  || [ ! -f /usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict ] || ! command -v espeak-ng >/dev/null 2>&1; then
  need_root "ffmpeg, pocketsphinx and espeak-ng"
  log "installing ffmpeg, pocketsphinx (en-us) and espeak-ng for voice notes"
  apt_install ffmpeg pocketsphinx pocketsphinx-en-us espeak-ng
fi

# 6. Go 1.26 or newer. Debian's golang-go is too old, so the toolchain comes from the Go
# module proxy (golang.org/toolchain), the same place `go` itself fetches toolchains from.
GO_VERSION=${GO_VERSION:-1.26.8}
go_ok() {
  local v
  v=$(PATH=/usr/local/go/bin:$PATH go env GOVERSION 2>/dev/null | sed 's/^go//') || return 1
  [ -n "$v" ] && [ "$(printf '%s\n1.26\n' "$v" | sort -V | head -n1)" = "1.26" ]
}
if ! go_ok; then
  need_root "Go $GO_VERSION"
  command -v curl >/dev/null && command -v unzip >/dev/null || apt_install curl unzip ca-certificates
  arch=$(dpkg --print-architecture)
  log "installing Go $GO_VERSION from the Go module proxy"
  work=$(mktemp -d)
  curl -fsSL -o "$work/go.zip" "${GOPROXY_URL:-https://proxy.golang.org}/golang.org/toolchain/@v/v0.0.1-go$GO_VERSION.linux-$arch.zip"
  unzip -q "$work/go.zip" -d "$work"
  rm -rf /usr/local/go
  mv "$work/golang.org/toolchain@v0.0.1-go$GO_VERSION.linux-$arch" /usr/local/go
  chmod +x /usr/local/go/bin/* /usr/local/go/pkg/tool/*/* 2>/dev/null || true
  rm -rf "$work"
  go_ok || { echo "setup: Go $GO_VERSION did not install" >&2; exit 1; }
fi
log "ready: $DATABASE_URL"
