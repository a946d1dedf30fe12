#!/usr/bin/env bash
# Show which of the local services are running (exit 3 if any is stopped).
#   scripts/services/status.sh [service...]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rc=0
for arg in "${@:-${ALL_SERVICES[@]}}"; do
  s=$(canonical_service "$arg") || die "unknown service '$arg' (known: ${ALL_SERVICES[*]})"
  "$SERVICES_DIR/svc/$s.sh" status || rc=3
done
exit "$rc"
