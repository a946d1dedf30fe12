#!/usr/bin/env bash
# The full test suite, from a clean clone: installs dependencies, checks that
# generated artifacts are current, starts the real services (installing them
# if missing) and runs the unit and end-to-end tests against them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm run --silent prisma:generate

step "generated artifacts and static checks"
npm run --silent compose -- --check
npm run --silent codegen:check >/dev/null
npm run --silent typecheck
npm run --silent lint

step "services"
scripts/services/up.sh

step "tests"
mkdir -p .artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.artifacts/vitest.json || status=$?
# One closing line that any CI can read.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".artifacts/vitest.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit "$status"
