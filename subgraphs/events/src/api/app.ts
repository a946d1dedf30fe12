import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import { ANONYMOUS, authenticate, createGraphQLHttpServer, type Logger, type Service, type Verifier } from '@booking/service-kit';
import type { Context } from '../context.ts';
import type { ReadStore } from '../read-model.ts';
import { resolvers } from './resolvers.ts';

export const eventsTypeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface EventsApiDeps {
  store: ReadStore;
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
  return {
    port: () => boundPort,
    async start() {
      http = await createGraphQLHttpServer<Context>({
        schema: buildSubgraphSchema({ typeDefs: eventsTypeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }),
        log: deps.log,
        readiness: async () => ({ mongo: await deps.store.ping() }),
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
      await deps.close();
    },
  };
}
