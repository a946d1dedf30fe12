#!/usr/bin/env bash
# NGINX in front of the gateway: an nginx-instance.sh instance with prefix
# .services/nginx, listening on 127.0.0.1:$NGINX_PORT, proxying to
# $GATEWAY_UPSTREAM. Ready means nginx answers /nginx-health (the gateway
# itself may still be down; then proxied requests get a JSON 502).
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

SVC_NAME=nginx
SVC_DEBS=(nginx gettext-base)
NGINX_TIMEOUT=${NGINX_TIMEOUT:-20}
NGINX_PREFIX="$STATE_DIR/nginx"
INSTANCE="$SERVICES_DIR/nginx-instance.sh"

svc_url() { printf 'http://127.0.0.1:%s\n' "$NGINX_PORT"; }

svc_install() {
  if ! { command -v nginx || [[ -x /usr/sbin/nginx ]]; } >/dev/null 2>&1 ||
    ! command -v envsubst >/dev/null 2>&1; then
    apt_install "${SVC_DEBS[@]}"
  fi
  command -v curl >/dev/null 2>&1 || apt_install curl
}

svc_running() { "$INSTANCE" status "$NGINX_PREFIX" 2>/dev/null; }

# `start` also re-renders the config and reloads a running instance when the
# port/upstream/template changed, so it is called on every `up`.
svc_start() {
  "$INSTANCE" start "$NGINX_PREFIX" "$NGINX_PORT" "$GATEWAY_UPSTREAM" "$BOOKINGS_UPSTREAM" "$EVENTS_UPSTREAM" ||
    fail_with_log nginx "$NGINX_PREFIX/logs/error.log" "failed to start"
}

svc_wait_ready() {
  svc_start
  # shellcheck disable=SC2016 # expanded by the inner bash
  wait_until "$NGINX_TIMEOUT" bash -c '[[ $(curl -fsS --max-time 2 "$1/nginx-health") == ok ]]' _ "$(svc_url)" ||
    fail_with_log nginx "$NGINX_PREFIX/logs/error.log" "no answer on $(svc_url)/nginx-health after ${NGINX_TIMEOUT}s"
}

svc_stop() { "$INSTANCE" stop "$NGINX_PREFIX"; }

svc_purge() { rm -rf "$NGINX_PREFIX"; }

svc_main "$@"
