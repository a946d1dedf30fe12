import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import { SeatStatusMessageSchema, topicNames, type SeatStatusMessage } from '@booking/contracts';
import { ANONYMOUS, authenticate, createGraphQLHttpServer, createHub, createLiveFeed, type Bus, type Logger, type Service, type Verifier } from '@booking/service-kit';
import type { Context } from '../context.ts';
import type { ReadStore } from '../read-model.ts';
import { createResolvers } from './resolvers.ts';

export const eventsTypeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface EventsApiDeps {
  store: ReadStore;
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

export function createEventsApi(deps: EventsApiDeps): Service & { port(): number } {
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
        readiness: async () => ({ mongo: await deps.store.ping(), seatStatusFeed: feed.ready() }),
        context: async (req) => {
          const identity = (await authenticate(deps.verifier, req.headers.authorization)) ?? ANONYMOUS;
          return { ...identity, log: deps.log, store: deps.store };
        },
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
