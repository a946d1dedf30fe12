import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import { isId } from '@booking/booking-core';
import { ErrorCode, SeatStatusMessageSchema, topicNames, type SeatStatusMessage } from '@booking/contracts';
import { ANONYMOUS, authenticate, createGraphQLHttpServer, createHub, createLiveFeed, type Bus, type Logger, type Readiness, type Service, type Verifier } from '@booking/service-kit';
import type { Context } from '../context.ts';
import type { MemoryReadStore } from '../memory-store.ts';
import { createReadViews } from '../views.ts';
import { createResolvers } from './resolvers.ts';

export const eventsTypeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface EventsApiDeps {
  /** The read model this instance serves from, kept current by its owner. */
  store: MemoryReadStore;
  /** Checks beyond the subgraph's own (the read model loaded, its feed joined). */
  readiness: Readiness;
  /** Connected by the caller; `seat-status` feeds `seatStatusChanged`. */
  bus: Bus;
  topicPrefix: string;
  log: Logger;
  /** Verifies the end user's token the gateway forwards in `Authorization`. */
  verifier: Verifier;
  port: number;
  /** Interface to listen on; all by default. */
  host?: string;
  close: () => Promise<void>;
}

function sendJson(res: ServerResponse, status: number, json: string) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), 'cache-control': 'no-cache' });
  res.end(json);
}
const NOT_FOUND = JSON.stringify({ message: 'Event not found', code: ErrorCode.EVENT_NOT_FOUND });

export function createEventsApi(deps: EventsApiDeps): Service & { port(): number } {
  const views = createReadViews(deps.store);
  let http: Awaited<ReturnType<typeof createGraphQLHttpServer<Context>>> | null = null;
  let boundPort = deps.port;
  const changes = createHub<SeatStatusMessage>();
  const feed = createLiveFeed({
    bus: deps.bus,
    topic: topicNames(deps.topicPrefix).seatStatus,
    group: `${deps.topicPrefix}events-feed-${randomUUID()}`,
    parse: (json) => SeatStatusMessageSchema.parse(json),
    key: (change) => change.eventId,
    hub: changes,
    log: deps.log,
  });
  return {
    port: () => boundPort,
    async start() {
      await feed.start();
      http = await createGraphQLHttpServer<Context>({
        schema: buildSubgraphSchema({ typeDefs: eventsTypeDefs, resolvers: createResolvers(changes) as GraphQLResolverMap<unknown> }),
        log: deps.log,
        readiness: async () => ({ ...(await deps.readiness()), seatStatusFeed: feed.ready() }),
        // Neither is used (no cache hints, no traces asked for); the cache-control
        // plugin alone took ~19 % of a 10,000-seat query's CPU (docs/adr/0011).
        plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginInlineTraceDisabled()],
        context: async (req) => {
          const identity = (await authenticate(deps.verifier, req.headers.authorization)) ?? ANONYMOUS;
          return { ...identity, log: deps.log, store: deps.store, views };
        },
      });
      // The REST read routes as ready JSON text, per event version: the
      // gateway forwards `GET /api/events*` here (docs/adr/0011).
      http.app.get('/api/events', async (_req, res) => sendJson(res, 200, await views.restEvents()));
      http.app.get('/api/events/:id', async (req, res) => {
        const json = isId(req.params.id) ? await views.restEvent(req.params.id) : null;
        sendJson(res, json === null ? 404 : 200, json ?? NOT_FOUND);
      });
      boundPort = await http.listen(deps.port, deps.host);
      deps.log.info({ port: boundPort }, 'events subgraph listening');
    },
    async stop() {
      await http?.stop();
      await feed.stop();
      await deps.close();
    },
  };
}
