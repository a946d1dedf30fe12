# One image for every app process of the event-booking platform (bookings,
# worker, relay, events, projector, gateway and the one-shot setup job).
# docker-compose.yml picks the process with `command:`; the default is the
# gateway. TypeScript runs directly through tsx; the only build step bundles
# the browser pages the gateway serves (web/ -> web/dist, esbuild).

# --- build: all dependencies, then generate the Prisma client ---------------
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Manifests first so the dependency layer is cached across source changes.
# Every workspace's package.json is needed for npm ci to link @booking/*.
COPY package.json package-lock.json ./
COPY gateway/package.json gateway/
COPY web/package.json web/
COPY subgraphs/bookings/package.json subgraphs/bookings/
COPY subgraphs/events/package.json subgraphs/events/
COPY packages/booking-core/package.json packages/booking-core/
COPY packages/config/package.json packages/config/
COPY packages/contracts/package.json packages/contracts/
COPY packages/service-kit/package.json packages/service-kit/
COPY packages/testkit/package.json packages/testkit/
# No install script is needed: Prisma 7 generates without downloaded engines,
# esbuild's binary comes from its platform package.
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma ./scripts/prisma
# Works offline: the stub stands in for the schema engine, which generate
# does not actually use. Output: subgraphs/bookings/src/generated/prisma.
RUN PRISMA_SCHEMA_ENGINE_BINARY=/app/scripts/prisma/schema-engine-stub.sh npx prisma generate

# The seat-map page and GraphiQL (their packages are devDependencies of web/).
COPY tsconfig.json ./
COPY web ./web
RUN npm run build -w @booking/web

# --- runtime: production dependencies, sources, generated client -----------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
COPY gateway/package.json gateway/
COPY web/package.json web/
COPY subgraphs/bookings/package.json subgraphs/bookings/
COPY subgraphs/events/package.json subgraphs/events/
COPY packages/booking-core/package.json packages/booking-core/
COPY packages/config/package.json packages/config/
COPY packages/contracts/package.json packages/contracts/
COPY packages/service-kit/package.json packages/service-kit/
COPY packages/testkit/package.json packages/testkit/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# tsconfig.json is read by tsx at run time (its `paths`).
COPY tsconfig.json prisma.config.ts ./
COPY packages ./packages
COPY prisma ./prisma
COPY scripts ./scripts
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY --from=build /app/subgraphs/bookings/src/generated/prisma ./subgraphs/bookings/src/generated/prisma
COPY --from=build /app/web/dist ./web/dist

# Sources stay root-owned and read-only to the process; tsx caches in /tmp.
USER node

# gateway 4000, bookings 4001, events 4002, health ports of worker 4011,
# relay 4012, projector 4013. Health checks are defined per service in
# docker-compose.yml (one image, six different ports).
EXPOSE 4000 4001 4002 4011 4012 4013
CMD ["node", "--import", "tsx", "gateway/src/main.ts"]
