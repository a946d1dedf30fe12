#!/usr/bin/env bash
# FerretDB v1 (MongoDB wire protocol) with the SQLite backend, built from its
# Go module source into .services/bin/ferretdb (cached).
# State: .services/ferretdb/{data/,state/,ferretdb.log,ferretdb.pid}
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

SVC_NAME=mongo
SVC_DEBS=()
MONGO_TIMEOUT=${MONGO_TIMEOUT:-60}

FERRETDB_MODULE_ROOT=github.com/FerretDB/FerretDB
FERRETDB_BIN="$STATE_DIR/bin/ferretdb"
FERRETDB_DIR="$STATE_DIR/ferretdb"
FERRETDB_PID="$FERRETDB_DIR/ferretdb.pid"
FERRETDB_LOG="$FERRETDB_DIR/ferretdb.log"

svc_url() { printf 'mongodb://127.0.0.1:%s\n' "$MONGO_PORT"; }

svc_install() {
  local stamp="$STATE_DIR/bin/.ferretdb.version" src
  if [[ -x $FERRETDB_BIN && -f $stamp && $(cat "$stamp") == "$FERRETDB_VERSION" ]]; then
    return 0
  fi
  if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then PATH="/usr/local/go/bin:$PATH"; fi
  command -v go >/dev/null 2>&1 || die "mongo: Go (1.22+) is required to build FerretDB; it is not on PATH"
  log "mongo: building FerretDB $FERRETDB_VERSION from source (first run: a minute or more)"
  mkdir -p "$STATE_DIR/bin" "$FERRETDB_DIR" "$STATE_DIR/build"
  # A plain `go install .../cmd/ferretdb@vX` builds a binary that panics at
  # start: the module zip lacks build/version/version.txt (generated from
  # `git describe` in FerretDB's own build). So: download the module, copy
  # it, add version.txt, and `go build` it.
  # GOTOOLCHAIN=local: build with the installed Go, never fetch a toolchain.
  # CGO is not needed (the SQLite driver is pure Go).
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-buildvcs=false"
  src=$(go mod download -json "$FERRETDB_MODULE_ROOT@$FERRETDB_VERSION" 2>"$FERRETDB_DIR/build.log" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p') || true
  [[ -n $src && -d $src ]] ||
    fail_with_log mongo "$FERRETDB_DIR/build.log" "go mod download $FERRETDB_MODULE_ROOT@$FERRETDB_VERSION failed"
  rm -rf "$STATE_DIR/build/ferretdb"
  cp -R "$src" "$STATE_DIR/build/ferretdb"
  chmod -R u+w "$STATE_DIR/build/ferretdb"
  printf '%s\n' "$FERRETDB_VERSION" >"$STATE_DIR/build/ferretdb/build/version/version.txt"
  (cd "$STATE_DIR/build/ferretdb" && go build -trimpath -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) >>"$FERRETDB_DIR/build.log" 2>&1 ||
    fail_with_log mongo "$FERRETDB_DIR/build.log" "go build of FerretDB $FERRETDB_VERSION failed"
  "$FERRETDB_BIN.tmp" --version >>"$FERRETDB_DIR/build.log" 2>&1 ||
    fail_with_log mongo "$FERRETDB_DIR/build.log" "the built ferretdb binary does not run"
  mv -f "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  rm -rf "$STATE_DIR/build/ferretdb"
  rmdir "$STATE_DIR/build" 2>/dev/null || true
  printf '%s\n' "$FERRETDB_VERSION" >"$stamp"
}

svc_running() { pid_alive "$FERRETDB_PID" "$FERRETDB_BIN"; }

svc_start() {
  port_busy_check mongo "$MONGO_PORT" "$FERRETDB_PID"
  mkdir -p "$FERRETDB_DIR/data" "$FERRETDB_DIR/state"
  log "mongo: starting FerretDB on 127.0.0.1:$MONGO_PORT"
  # --debug-addr=- : no debug HTTP listener (its default port would clash
  # between instances); --state-dir keeps state.json out of the cwd.
  DO_NOT_TRACK=1 start_daemon "$FERRETDB_PID" "$FERRETDB_LOG" \
    "$FERRETDB_BIN" \
    --handler=sqlite \
    --sqlite-url="file:$FERRETDB_DIR/data/" \
    --listen-addr="127.0.0.1:$MONGO_PORT" \
    --state-dir="$FERRETDB_DIR/state" \
    --debug-addr=- \
    --telemetry=disable \
    --log-level=info
}

svc_wait_ready() {
  local rc=0
  wait_for_port 127.0.0.1 "$MONGO_PORT" "$MONGO_TIMEOUT" "$FERRETDB_PID" || rc=$?
  ((rc == 2)) && fail_with_log mongo "$FERRETDB_LOG" "FerretDB exited during startup"
  ((rc == 0)) || fail_with_log mongo "$FERRETDB_LOG" "port $MONGO_PORT not open after ${MONGO_TIMEOUT}s"
  # TCP accept is not enough: send a real OP_MSG {ping: 1} and expect ok: 1.
  if command -v python3 >/dev/null 2>&1; then
    wait_until "$MONGO_TIMEOUT" python3 "$SERVICES_DIR/mongo-ping.py" 127.0.0.1 "$MONGO_PORT" ||
      fail_with_log mongo "$FERRETDB_LOG" "no ok reply to {ping: 1} on 127.0.0.1:$MONGO_PORT"
  fi
}

svc_stop() { stop_pidfile mongo "$FERRETDB_PID" "$FERRETDB_BIN" TERM 30; }

# Keeps the built binary in .services/bin.
svc_purge() { rm -rf "$FERRETDB_DIR"; }

svc_main "$@"
