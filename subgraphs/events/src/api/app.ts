import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import { isId } from '@booking/booking-core';
import { ErrorCode, type SeatStatusMessage } from '@booking/contracts';
import { ANONYMOUS, authenticate, createGraphQLHttpServer, inProcessGraphQL, plainCors, sendJsonText, type PlainRoute, type Hub, type Logger, type Readiness, type GraphQLPost, type Service, type Verifier } from '@booking/service-kit';
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
  /** Seat changes by event id as this instance learns them, kept fed by its owner: `seatStatusChanged` reads them. */
  changes: Hub<SeatStatusMessage>;
  log: Logger;
  /** Verifies the end user's token the gateway forwards in `Authorization`. */
  verifier: Verifier;
  port: number;
  /** Interface to listen on; all by default. */
  host?: string;
  /** Origins whose pages may read the REST routes (the gateway's CORS answers). */
  corsOrigins: readonly string[] | '*';
  close: () => Promise<void>;
}

const sendJson = (res: ServerResponse, status: number, json: string | Buffer) => sendJsonText(res, status, json, { 'cache-control': 'no-cache' });
const NOT_FOUND = JSON.stringify({ message: 'Event not found', code: ErrorCode.EVENT_NOT_FOUND });
const UNAVAILABLE = JSON.stringify({ message: 'the service could not answer; try again', code: ErrorCode.SERVICE_UNAVAILABLE });

/**
 * `GET /api/events` and `GET /api/events/:id` of the original REST API, as
 * ready JSON per event version, on plain node:http with the gateway's
 * CORS answers: NGINX routes them here (docs/adr/0011), and the gateway
 * serves them in process in embedded mode.
 */
function restReadRoutes(views: ReturnType<typeof createReadViews>, origins: readonly string[] | '*'): Record<string, PlainRoute> {
  const cors = plainCors(origins);
  const answer = (res: ServerResponse, json: Promise<Buffer | null>) =>
    void json.then(
      (text) => sendJson(res, text === null ? 404 : 200, text ?? NOT_FOUND),
      () => sendJson(res, 503, UNAVAILABLE),
    );
  const list = cors.wrap((_req, res) => answer(res, views.restEvents()));
  const one = cors.wrap((req, res) => {
    const path = req.url!.split('?')[0]!;
    let id: string;
    try {
      id = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
    } catch {
      return sendJson(res, 400, JSON.stringify({ message: 'the URL could not be decoded', code: ErrorCode.BAD_REQUEST }));
    }
    if (!isId(id)) return sendJson(res, 404, NOT_FOUND);
    answer(res, views.restEvent(id));
  });
  return {
    'GET /api/events': list,
    'HEAD /api/events': list,
    'OPTIONS /api/events': cors.preflight,
    'GET /api/events/*': one,
    'HEAD /api/events/*': one,
    'OPTIONS /api/events/*': cors.preflight,
  };
}

export function createEventsApi(deps: EventsApiDeps): Service & { port(): number; graphql: GraphQLPost; restRoutes: Record<string, PlainRoute> } {
  const views = createReadViews(deps.store);
  const restRoutes = restReadRoutes(views, deps.corsOrigins);
  let http: Awaited<ReturnType<typeof createGraphQLHttpServer<Context>>> | null = null;
  let boundPort = deps.port;
  return {
    port: () => boundPort,
    /** The REST read routes, for a gateway in the same process to serve (embedded mode). */
    restRoutes,
    /** /graphql in process, for a gateway in the same process (embedded mode); once started. */
    graphql: inProcessGraphQL('events', () => http),
    async start() {
      http = await createGraphQLHttpServer<Context>({
        schema: buildSubgraphSchema({ typeDefs: eventsTypeDefs, resolvers: createResolvers(deps.changes) as GraphQLResolverMap<unknown> }),
        log: deps.log,
        readiness: deps.readiness,
        // Neither is used (no cache hints, no traces asked for); the cache-control
        // plugin alone took ~19 % of a 10,000-seat query's CPU (docs/adr/0011).
        plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginInlineTraceDisabled()],
        context: async (req) => {
          const identity = (await authenticate(deps.verifier, req.headers.authorization)) ?? ANONYMOUS;
          return { ...identity, log: deps.log, store: deps.store, views };
        },
        routes: restRoutes,
      });
      boundPort = await http.listen(deps.port, deps.host);
      deps.log.info({ port: boundPort }, 'events subgraph listening');
    },
    async stop() {
      await http?.stop();
      await deps.close();
    },
  };
}
