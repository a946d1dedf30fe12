#!/usr/bin/env bash
# Headless Chromium for the browser tests (tests/e2e/browser.e2e.ts) and the
# seat-map benchmark, from the Debian package. Idempotent: installs only when
# /usr/bin/chromium is missing, and fails loudly if it cannot.
#   scripts/services/browser.sh            # install if missing, print the version
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHROMIUM=/usr/bin/chromium

if [[ ! -x $CHROMIUM ]]; then
  # A font package, so that screenshots show text rather than empty boxes.
  apt_install chromium fonts-dejavu-core
fi
[[ -x $CHROMIUM ]] || die "chromium: $CHROMIUM not found after installing the chromium package"
# Debian's wrapper script prints a harmless shell warning on some kernels; keep only the version.
version=$("$CHROMIUM" --version 2>/dev/null) || die "chromium: $CHROMIUM does not run"
log "$version"
