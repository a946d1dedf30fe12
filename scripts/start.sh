#!/usr/bin/env bash
# npm start: the whole system in one process (embedded mode), nothing else to
# install or start. Arguments go to the server, e.g. `npm start -- --in-memory`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
[[ -f subgraphs/bookings/src/generated/prisma/client.ts ]] || npm run --silent prisma:generate >/dev/null
# The seat-map page and GraphiQL, rebuilt only when their sources changed.
if [[ ! -f web/dist/index.html || -n $(find web/src web/build.ts -newer web/dist/index.html -print -quit) ]]; then
  npm run --silent build -w @booking/web >/dev/null
fi
exec node --import tsx embedded/main.ts "$@"
