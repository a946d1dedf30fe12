#!/usr/bin/env bash
# Install (if missing), start (if stopped) and wait for local infrastructure
# services; prints one "<name> ready <url>" line per service.
#
#   scripts/services/up.sh [service...]    services: postgres redis kafka mongo nginx (default: all)
#
# Ports: PG_PORT=55432 REDIS_PORT=56379 KAFKA_PORT=59092 (controller
# KAFKA_CONTROLLER_PORT=59093) MONGO_PORT=57017 NGINX_PORT=8080, nginx
# upstream GATEWAY_UPSTREAM=127.0.0.1:4000. State: .services/ in the repo root.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

services=()
for arg in "${@:-${ALL_SERVICES[@]}}"; do
  s=$(canonical_service "$arg") || die "unknown service '$arg' (known: ${ALL_SERVICES[*]})"
  [[ " ${services[*]-} " == *" $s "* ]] || services+=("$s")
done

take_lock

# One apt-get run for every missing Debian package of the requested services.
debs=()
for s in "${services[@]}"; do
  mapfile -t -O "${#debs[@]}" debs < <("$SERVICES_DIR/svc/$s.sh" packages 9>&-)
done
((${#debs[@]} == 0)) || apt_install "${debs[@]}"

failed=()
for s in "${services[@]}"; do
  t0=$SECONDS
  if "$SERVICES_DIR/svc/$s.sh" up 9>&-; then
    ((SECONDS - t0 < 10)) || log "$s: took $((SECONDS - t0))s"
  else
    failed+=("$s")
  fi
done

if ((${#failed[@]})); then
  die "failed: ${failed[*]}"
fi
