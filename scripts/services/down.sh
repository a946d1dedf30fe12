#!/usr/bin/env bash
# Stop the services started by up.sh (only the processes recorded in the pid
# files under .services/) and wait for them to exit. Data is kept unless
# --purge is given: then the services' data, logs and config under .services/
# are deleted too, except the cached binaries and jars (.services/bin,
# .services/kafka/libs).
#
#   scripts/services/down.sh [--purge] [service...]    (default: all)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

purge=0
args=()
for arg in "$@"; do
  case $arg in
    --purge) purge=1 ;;
    -h | --help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$arg") ;;
  esac
done

wanted=()
for arg in "${args[@]:-${ALL_SERVICES[@]}}"; do
  s=$(canonical_service "$arg") || die "unknown service '$arg' (known: ${ALL_SERVICES[*]})"
  wanted+=("$s")
done

take_lock

# Reverse start order: the proxy first, the database last.
failed=()
for ((i = ${#ALL_SERVICES[@]} - 1; i >= 0; i--)); do
  s=${ALL_SERVICES[i]}
  [[ " ${wanted[*]} " == *" $s "* ]] || continue
  if ((purge)); then cmd=purge; else cmd=down; fi
  "$SERVICES_DIR/svc/$s.sh" "$cmd" 9>&- || failed+=("$s")
done

((${#failed[@]} == 0)) || die "failed to stop: ${failed[*]}"
