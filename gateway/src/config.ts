import { common, env, kafka, loadConfig } from '@booking/config';

export const loadGatewayConfig = (e?: Record<string, string | undefined>) =>
  loadConfig(
    'gateway',
    {
      ...common,
      ...kafka,
      PORT: env.port(4000),
      BOOKINGS_URL: env.url(['http', 'https']),
      EVENTS_URL: env.url(['http', 'https']),
      /** Deepest selection nesting a query may have. */
      GRAPHQL_MAX_DEPTH: env.int(10, 2),
      /** Most fields (after fragment expansion) one operation may select. */
      GRAPHQL_MAX_FIELDS: env.int(200, 10),
      /** Bytes queued for a subscriber that is not reading before its socket is closed with 4008. */
      SUBSCRIPTION_MAX_BUFFERED_BYTES: env.int(1024 * 1024, 1),
    },
    e,
  );
export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
