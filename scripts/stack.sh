#!/usr/bin/env bash
# Runs the whole system on this machine in stack mode: the real services
# (PostgreSQL, Redis, Kafka, FerretDB, NGINX) and the six app processes.
#
#   scripts/stack.sh up      install what is missing, start what is stopped, print where each listens
#   scripts/stack.sh down    stop exactly what `up` started (app processes, then services)
#   scripts/stack.sh status
#
# App state (pid files, logs) lives in .services/app/. Idempotent.
set -euo pipefail
# shellcheck source=services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/services/lib.sh"

APP_DIR="$STATE_DIR/app"
ROLES=(bookings events worker relay projector gateway)
declare -A ENTRY=(
  [bookings]=subgraphs/bookings/src/api/main.ts
  [events]=subgraphs/events/src/api/main.ts
  [worker]=subgraphs/bookings/src/worker/main.ts
  [relay]=subgraphs/bookings/src/relay/main.ts
  [projector]=subgraphs/events/src/projector/main.ts
  [gateway]=gateway/src/main.ts
)
declare -A APP_PORT=([gateway]=4000 [bookings]=4001 [events]=4002 [worker]=4011 [relay]=4012 [projector]=4013)

app_env() {
  # shellcheck source=services/env.sh
  source "$SERVICES_DIR/env.sh"
  export BOOKINGS_URL="http://127.0.0.1:${APP_PORT[bookings]}/graphql"
  export EVENTS_URL="http://127.0.0.1:${APP_PORT[events]}/graphql"
  export LOG_LEVEL="${LOG_LEVEL:-info}"
}

prepare() {
  cd "$ROOT"
  [[ -d node_modules ]] || npm ci --no-audit --no-fund
  [[ -f subgraphs/bookings/src/generated/prisma/client.ts ]] || npm run --silent prisma:generate
  # The seat-map page and GraphiQL, served by the gateway from web/dist.
  npm run --silent build -w @booking/web >/dev/null
}

wait_ready() {
  local role=$1
  wait_until 60 curl -fsS "http://127.0.0.1:${APP_PORT[$role]}/readyz" ||
    fail_with_log "$role" "$APP_DIR/$role.log" "not ready within 60 s"
}

up() {
  "$SERVICES_DIR/up.sh"
  prepare
  app_env
  mkdir -p "$APP_DIR"
  log "migrations, topics, seed and read model"
  npx tsx scripts/setup.ts >>"$APP_DIR/setup.log" 2>&1 || fail_with_log setup "$APP_DIR/setup.log" "setup failed"
  local role
  for role in "${ROLES[@]}"; do
    local port_var=PORT
    [[ $role == worker || $role == relay || $role == projector ]] && port_var=HEALTH_PORT
    if ! pid_alive "$APP_DIR/$role.pid" "${ENTRY[$role]}"; then
      port_busy_check "$role" "${APP_PORT[$role]}" "$APP_DIR/$role.pid"
      start_daemon "$APP_DIR/$role.pid" "$APP_DIR/$role.log" env "$port_var=${APP_PORT[$role]}" node --import tsx "${ENTRY[$role]}"
    fi
  done
  for role in "${ROLES[@]}"; do wait_ready "$role"; done
  for role in "${ROLES[@]}"; do report_ready "$role" "http://127.0.0.1:${APP_PORT[$role]}  (log: .services/app/$role.log)"; done
  report_ready system "http://127.0.0.1:${NGINX_PORT}/graphql  and  http://127.0.0.1:${NGINX_PORT}/api/events"
  report_ready pages "http://127.0.0.1:${NGINX_PORT}/ (seat maps)  and  http://127.0.0.1:${NGINX_PORT}/graphql in a browser (GraphiQL)"
}

down() {
  local i role
  for ((i = ${#ROLES[@]} - 1; i >= 0; i--)); do
    role=${ROLES[$i]}
    stop_pidfile "$role" "$APP_DIR/$role.pid" "${ENTRY[$role]}" TERM 20
  done
  "$SERVICES_DIR/down.sh"
}

status() {
  local role rc=0
  for role in "${ROLES[@]}"; do
    if pid_alive "$APP_DIR/$role.pid" "${ENTRY[$role]}"; then printf '%-9s running  http://127.0.0.1:%s\n' "$role" "${APP_PORT[$role]}"
    else printf '%-9s stopped\n' "$role"; rc=3; fi
  done
  "$SERVICES_DIR/status.sh" || rc=3
  return $rc
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
