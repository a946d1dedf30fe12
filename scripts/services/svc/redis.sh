#!/usr/bin/env bash
# Redis (Debian package `redis-server`), no persistence, under .services/redis.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

SVC_NAME=redis
SVC_DEBS=(redis-server redis-tools)
REDIS_TIMEOUT=${REDIS_TIMEOUT:-30}

REDIS_DIR="$STATE_DIR/redis"
REDIS_PID="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"

svc_url() { printf 'redis://127.0.0.1:%s\n' "$REDIS_PORT"; }

svc_install() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    apt_install "${SVC_DEBS[@]}"
  fi
}

svc_running() { pid_alive "$REDIS_PID" redis-server; }

svc_start() {
  port_busy_check redis "$REDIS_PORT" "$REDIS_PID"
  mkdir -p "$REDIS_DIR"
  rm -f "$REDIS_PID"
  log "redis: starting on 127.0.0.1:$REDIS_PORT"
  # Config on stdin: nothing from /etc is read. redis daemonizes itself.
  redis-server - >>"$REDIS_LOG" 2>&1 <<CONF ||
port $REDIS_PORT
bind 127.0.0.1
protected-mode yes
daemonize yes
pidfile $REDIS_PID
logfile $REDIS_LOG
dir $REDIS_DIR
save ""
appendonly no
maxclients 10000
CONF
    fail_with_log redis "$REDIS_LOG" "redis-server failed to start"
  wait_until "$REDIS_TIMEOUT" test -s "$REDIS_PID" ||
    fail_with_log redis "$REDIS_LOG" "no pid file after ${REDIS_TIMEOUT}s"
}

svc_wait_ready() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  wait_until "$REDIS_TIMEOUT" bash -c '[[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]' _ "$REDIS_PORT" ||
    fail_with_log redis "$REDIS_LOG" "no PONG from 127.0.0.1:$REDIS_PORT after ${REDIS_TIMEOUT}s"
}

svc_stop() { stop_pidfile redis "$REDIS_PID" redis-server TERM 30; }

svc_purge() { rm -rf "$REDIS_DIR"; }

svc_main "$@"
