import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { ANONYMOUS, authenticate, createGraphQLHttpServer, type Logger, type Service, type Verifier } from '@booking/service-kit';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Context } from '../context.ts';
import { createResolvers, type BookingResolverDeps } from './resolvers.ts';

export const bookingsTypeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface BookingsApiDeps extends BookingResolverDeps {
  log: Logger;
  /** Verifies the end user's token the gateway forwards in `Authorization`. */
  verifier: Verifier;
  port: number;
  /** Interface to listen on; all by default. */
  host?: string;
  readiness: () => Promise<Record<string, boolean>>;
  /** Closes the adapters once HTTP is drained. */
  close: () => Promise<void>;
}

export function createBookingsApi(deps: BookingsApiDeps): Service & { port(): number } {
  let http: Awaited<ReturnType<typeof createGraphQLHttpServer<Context>>> | null = null;
  let boundPort = deps.port;
  return {
    port: () => boundPort,
    async start() {
      const schema = buildSubgraphSchema({ typeDefs: bookingsTypeDefs, resolvers: createResolvers(deps) as GraphQLResolverMap<unknown> });
      http = await createGraphQLHttpServer<Context>({
        schema,
        log: deps.log,
        readiness: deps.readiness,
        context: async (req) => {
          const identity = (await authenticate(deps.verifier, req.headers.authorization)) ?? ANONYMOUS;
          return { ...identity, log: deps.log };
        },
      });
      boundPort = await http.listen(deps.port, deps.host);
      deps.log.info({ port: boundPort }, 'bookings subgraph listening');
    },
    async stop() {
      await http?.stop();
      await deps.close();
    },
  };
}
