#!/usr/bin/env bash
# PostgreSQL (Debian package `postgresql`) as a private cluster under
# .services/postgres: data/, run/ (unix socket), postgres.log.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

SVC_NAME=postgres
SVC_DEBS=(postgresql)
PG_TIMEOUT=${PG_TIMEOUT:-90}

PG_LINK="$STATE_DIR/postgres"

pg_bin() {
  local d
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [[ -n $d && -x $d/initdb ]] || return 1
  printf '%s\n' "$d"
}

# initdb and postgres refuse to run as root: as root we run them as the
# `postgres` system user (created by the package), which then owns PG_BASE.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# As root, the postgres user must be able to reach $STATE_DIR. When the repo
# lives somewhere it cannot traverse (e.g. under /root), keep the cluster in
# /var/tmp and leave a symlink at .services/postgres.
pg_resolve_base() {
  mkdir -p "$STATE_DIR"
  if [[ $EUID -eq 0 && ! -L $PG_LINK ]] && ! runuser -u postgres -- test -x "$STATE_DIR"; then
    local alt
    alt="/var/tmp/booking-services-$(short_hash "$ROOT")/postgres"
    warn "postgres: user 'postgres' cannot access $STATE_DIR; keeping the cluster in $alt (symlinked from $PG_LINK)"
    mkdir -p "$alt"
    chmod 755 "$(dirname "$alt")"
    if [[ -d $PG_LINK ]]; then rmdir "$PG_LINK" 2>/dev/null || die "postgres: $PG_LINK exists and is not empty"; fi
    ln -s "$alt" "$PG_LINK"
  fi
  # Real path: the postgres user must not have to go through the symlink.
  if [[ -L $PG_LINK ]]; then PG_BASE=$(readlink -f "$PG_LINK"); else PG_BASE=$PG_LINK; fi
  PG_DATA="$PG_BASE/data"
  PG_LOG="$PG_BASE/postgres.log"
}

# Unix socket paths are limited to ~107 bytes.
pg_socket_dir() {
  local d="$PG_BASE/run"
  if ((${#d} + 20 > 100)); then d="/tmp/booking-pg-$(short_hash "$ROOT")"; fi
  printf '%s\n' "$d"
}

svc_url() { printf 'postgresql://booking:booking@127.0.0.1:%s/booking\n' "$PG_PORT"; }

svc_install() {
  pg_bin >/dev/null || apt_install "${SVC_DEBS[@]}"
  pg_bin >/dev/null || die "postgres: no /usr/lib/postgresql/*/bin/initdb after installing ${SVC_DEBS[*]}"
}

svc_running() { pid_alive "$PG_DATA/postmaster.pid" postgres; }

pg_init() {
  local bin=$1 sock=$2
  mkdir -p "$PG_BASE" "$sock"
  [[ $EUID -eq 0 ]] && chown postgres:postgres "$PG_BASE" "$sock"
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    log "postgres: initdb $PG_DATA"
    rm -rf "$PG_DATA"
    as_pg "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >>"$PG_LOG.init" 2>&1 ||
      fail_with_log postgres "$PG_LOG.init" "initdb failed"
    # Local test cluster: trust auth on the socket and loopback only.
    as_pg tee "$PG_DATA/pg_hba.conf" >/dev/null <<'HBA'
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
host    all       all   ::1/128        trust
HBA
    printf "\n# added by scripts/services\ninclude_if_exists = 'local-services.conf'\n" |
      as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
  fi
  # Regenerated on every start so port overrides apply.
  as_pg tee "$PG_DATA/local-services.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 200
logging_collector = off
log_min_messages = warning
CONF
}

svc_start() {
  local bin sock
  bin=$(pg_bin)
  sock=$(pg_socket_dir)
  port_busy_check postgres "$PG_PORT" "$PG_DATA/postmaster.pid"
  pg_init "$bin" "$sock"
  [[ $EUID -eq 0 ]] && { touch "$PG_LOG"; chown postgres:postgres "$PG_LOG"; }
  log "postgres: starting on 127.0.0.1:$PG_PORT"
  as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$PG_TIMEOUT" start >/dev/null 2>&1 ||
    fail_with_log postgres "$PG_LOG" "server did not start within ${PG_TIMEOUT}s"
}

svc_wait_ready() {
  local bin sock
  bin=$(pg_bin)
  sock=$(pg_socket_dir)
  wait_until "$PG_TIMEOUT" "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" ||
    fail_with_log postgres "$PG_LOG" "not accepting connections on 127.0.0.1:$PG_PORT after ${PG_TIMEOUT}s"
  # Idempotent bootstrap of the app role and database (over the socket, as
  # the bootstrap superuser). `booking` is a superuser so tests can CREATE DATABASE.
  "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$PG_PORT" -U postgres -d postgres >/dev/null <<'SQL' ||
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'booking') THEN
    CREATE ROLE booking LOGIN SUPERUSER CREATEDB PASSWORD 'booking';
  END IF;
END
$$;
SELECT 'CREATE DATABASE booking OWNER booking'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'booking')\gexec
SQL
    fail_with_log postgres "$PG_LOG" "could not create role/database booking"
  "$bin/psql" -X -q -tA "$(svc_url)" -c 'SELECT 1' >/dev/null 2>&1 ||
    fail_with_log postgres "$PG_LOG" "cannot query $(svc_url)"
}

svc_stop() {
  local bin
  if svc_running; then
    bin=$(pg_bin)
    log "postgres: stopping"
    as_pg "$bin/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  stop_pidfile postgres "$PG_DATA/postmaster.pid" postgres INT 30
}

svc_purge() {
  if [[ -L $PG_LINK ]]; then
    rm -rf "$PG_BASE"
    rmdir "$(dirname "$PG_BASE")" 2>/dev/null || true
  fi
  rm -rf "$PG_LINK" "/tmp/booking-pg-$(short_hash "$ROOT")"
}

pg_resolve_base
svc_main "$@"
