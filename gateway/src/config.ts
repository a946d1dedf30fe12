import { common, env, jwt, jwtProblems, kafka, loadConfig, z } from '@booking/config';

/** Settings of the gateway itself, in either mode. */
export const gatewaySettings = {
  /** Interface to listen on. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Deepest selection nesting a query may have. */
  GRAPHQL_MAX_DEPTH: env.int(10, 2),
  /** Most fields (after fragment expansion) one operation may select. */
  GRAPHQL_MAX_FIELDS: env.int(200, 10),
  /** Bytes queued for a subscriber that is not reading before its socket is closed with 4008. */
  SUBSCRIPTION_MAX_BUFFERED_BYTES: env.int(1024 * 1024, 1),
  /**
   * GraphiQL at GET /graphql for browsers. Unset: on, except with
   * NODE_ENV=production, where it must be asked for explicitly.
   */
  GRAPHIQL_ENABLED: z.enum(['true', 'false', '1', '0']).optional().transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
};

export const loadGatewayConfig = (e?: Record<string, string | undefined>) =>
  loadConfig(
    'gateway',
    {
      ...common,
      ...kafka,
      ...jwt,
      ...gatewaySettings,
      PORT: env.port(4000),
      BOOKINGS_URL: env.url(['http', 'https']),
      EVENTS_URL: env.url(['http', 'https']),
    },
    e,
    jwtProblems,
  );
export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
