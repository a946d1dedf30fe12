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

step "web pages and browser"
# The gateway serves web/dist; the browser tests drive Debian's chromium.
npm run --silent build -w @booking/web
scripts/services/browser.sh

step "services"
scripts/services/up.sh

step "tests"
mkdir -p .artifacts
status=0
# Unit tests first, then the end-to-end suites alone: their timing assertions
# (e.g. a seat change seen within 1 s) must not share the 2 cores with unit runs.
for project in unit e2e; do
  npx vitest run --project "$project" --reporter=default --reporter=json --outputFile.json=".artifacts/vitest-$project.json" || status=1
done
# One closing line that any CI can read.
node -e '
  const fs = require("fs");
  const runs = ["unit", "e2e"].map((p) => `.artifacts/vitest-${p}.json`).filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  console.log(`${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed` + (sum("numPendingTests") ? `, ${sum("numPendingTests")} skipped` : ""));
' || true
exit "$status"
