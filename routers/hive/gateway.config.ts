/**
 * Hive Gateway (`@graphql-hive/gateway`) in front of the subgraphs, in place
 * of this project's gateway:
 *
 *   BOOKINGS_URL=http://127.0.0.1:4001/graphql EVENTS_URL=http://127.0.0.1:4002/graphql \
 *     npx hive-gateway supergraph gateway/supergraph.graphql -c routers/hive/gateway.config.ts -p 4000
 *
 * Subscriptions reach the subgraphs over Hive Gateway's default HTTP
 * transport (GraphQL over SSE on each subgraph's /graphql); the subgraphs
 * also serve graphql-ws there, for `subscriptions: { kind: 'ws' }`.
 */
import { defineConfig } from '@graphql-hive/gateway';

/** The caller's token, forwarded to every subgraph, which verifies it and decides what the caller may see. */
const IDENTITY_HEADERS = ['authorization'];

export const gatewayConfig = defineConfig({
  transportEntries: {
    // The supergraph names the docker-compose hosts; these override them where set.
    ...(process.env.BOOKINGS_URL ? { bookings: { location: process.env.BOOKINGS_URL } } : {}),
    ...(process.env.EVENTS_URL ? { events: { location: process.env.EVENTS_URL } } : {}),
  },
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) =>
      Object.fromEntries(IDENTITY_HEADERS.flatMap((name) => (request.headers.get(name) ? [[name, request.headers.get(name)!]] : []))),
  },
});
