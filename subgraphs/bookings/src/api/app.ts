import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { parse } from 'graphql';
import { BookingStatusMessageSchema, topicNames, type BookingStatusMessage } from '@booking/contracts';
import { ANONYMOUS, authenticate, clientAddressOf, createGraphQLHttpServer, inProcessGraphQL, createHub, createLiveFeed, type BookingRateLimiter, type Bus, type Logger, type GraphQLPost, type Service, type Verifier } from '@booking/service-kit';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Context } from '../context.ts';
import { createIntake, type IntakeDeps } from './intake.ts';
import { createResolvers, type BookingResolverDeps } from './resolvers.ts';
import { restBookingRoutes } from './rest.ts';

export const bookingsTypeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface BookingsApiDeps extends IntakeDeps, Omit<BookingResolverDeps, 'updates'> {
  /** Connected by the caller; `booking-status` feeds `bookingUpdated`. */
  bus: Bus;
  topicPrefix: string;
  log: Logger;
  /** Verifies the end user's token the gateway forwards in `Authorization`. */
  verifier: Verifier;
  /** Whether `POST /api/book` without a token acts for the body's userId (outside production). */
  restActsForBodyUser: boolean;
  /** Booking rate limits of `POST /api/book`, shared with the gateway's. */
  rateLimiter: BookingRateLimiter;
  /** Proxies whose X-Forwarded-For names the client (NGINX). */
  trustedProxies: string;
  /** Origins whose pages may book over REST (CORS), as the gateway allows them. */
  corsOrigins: readonly string[] | '*';
  port: number;
  /** Interface to listen on; all by default. */
  host?: string;
  readiness: () => Promise<Record<string, boolean>>;
  /** Closes the adapters once HTTP is drained. */
  close: () => Promise<void>;
}

export function createBookingsApi(deps: BookingsApiDeps): Service & { port(): number; graphql: GraphQLPost; restRoutes: ReturnType<typeof restBookingRoutes> } {
  let http: Awaited<ReturnType<typeof createGraphQLHttpServer<Context>>> | null = null;
  let boundPort = deps.port;
  const updates = createHub<BookingStatusMessage>();
  const feed = createLiveFeed({
    bus: deps.bus,
    topic: topicNames(deps.topicPrefix).bookingStatus,
    group: `${deps.topicPrefix}bookings-feed-${randomUUID()}`,
    parse: (json) => BookingStatusMessageSchema.parse(json),
    key: (update) => update.bookingId,
    hub: updates,
    log: deps.log,
  });
  const intake = createIntake(deps);
  /** `POST /api/book` and its preflight: served here, and in process by the embedded gateway. */
  const restRoutes = restBookingRoutes(
    intake,
    { verifier: deps.verifier, actForBodyUser: deps.restActsForBodyUser, limiter: deps.rateLimiter, clientAddress: clientAddressOf(deps.trustedProxies) },
    deps.corsOrigins,
    deps.log,
  );
  return {
    port: () => boundPort,
    restRoutes,
    /** /graphql in process, for a gateway in the same process (embedded mode); once started. */
    graphql: inProcessGraphQL('bookings', () => http),
    async start() {
      await feed.start();
      const schema = buildSubgraphSchema({ typeDefs: bookingsTypeDefs, resolvers: createResolvers({ ...deps, updates }, intake) as GraphQLResolverMap<unknown> });
      // Loaded before the first request, so no booking waits for a venue's seats.
      await deps.catalog.warm();
      http = await createGraphQLHttpServer<Context>({
        schema,
        log: deps.log,
        readiness: async () => ({ ...(await deps.readiness()), bookingStatusFeed: feed.ready() }),
        context: async (req) => {
          const identity = (await authenticate(deps.verifier, req.headers.authorization)) ?? ANONYMOUS;
          return { ...identity, log: deps.log };
        },
        // Nothing reads cache hints or traces of this subgraph; both plugins
        // visit every resolved field.
        plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginInlineTraceDisabled()],
        routes: restRoutes,
      });
      boundPort = await http.listen(deps.port, deps.host);
      deps.log.info({ port: boundPort }, 'bookings subgraph listening');
    },
    async stop() {
      await http?.stop();
      await feed.stop();
      await deps.close();
    },
  };
}
