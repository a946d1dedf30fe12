#!/bin/sh
# Prisma 7 generates the client without a schema engine, but its CLI insists on
# one being present; migrations go through scripts/db.ts instead.
echo "schema engine unavailable offline: use npm run db:migrate" >&2
exit 1
