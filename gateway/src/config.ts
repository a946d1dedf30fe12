import { bookingRateLimits, common, cors, env, jwt, jwtProblems, loadConfig, z } from '@booking/config';
import { parseListSizes, type OperationLimits } from './limits.ts';

/** Unset: on, except with NODE_ENV=production, where it must be asked for explicitly. */
const devDefault = () => z.enum(['true', 'false', '1', '0']).optional().transform((v) => (v === undefined ? undefined : v === 'true' || v === '1'));

/** Settings of the gateway itself, in either mode. */
export const gatewaySettings = {
  /** Interface to listen on. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Deepest nesting of fields and fragments an operation may have. */
  GRAPHQL_MAX_DEPTH: env.int(10, 2),
  /** Most fields one operation may select, fragments expanded. */
  GRAPHQL_MAX_FIELDS: env.int(200, 10),
  GRAPHQL_MAX_ALIASES: env.int(15, 0),
  GRAPHQL_MAX_DIRECTIVES: env.int(20, 0),
  GRAPHQL_MAX_TOKENS: env.int(2000, 100),
  /** Estimated objects one operation may resolve, lists multiplied by their size estimate. */
  GRAPHQL_MAX_COST: env.int(200_000, 1),
  /** Size estimates of list fields, `Type.field=size,...`; the largest venue has 50,000 seats. */
  GRAPHQL_LIST_SIZES: z
    .string()
    .default('Event.seats=50000')
    .transform((v, ctx) => {
      try {
        return parseListSizes(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Size estimate of any other list field. */
  GRAPHQL_DEFAULT_LIST_SIZE: env.int(100, 1),
  /** Schema introspection (unset: on, except with NODE_ENV=production). */
  GRAPHQL_INTROSPECTION: devDefault(),
  /** Bytes queued for a subscriber that is not reading before its socket is closed with 4008. */
  SUBSCRIPTION_MAX_BUFFERED_BYTES: env.int(1024 * 1024, 1),
  /** Subscriptions one WebSocket may hold at once. */
  SUBSCRIPTIONS_PER_SOCKET: env.int(20, 1),
  /** WebSockets one client address may hold open at once. */
  SOCKETS_PER_CLIENT: env.int(50, 1),
  ...bookingRateLimits,
  /** Largest request body accepted, in bytes (NGINX's client_max_body_size is 64 KiB). */
  MAX_BODY_BYTES: env.int(64 * 1024, 1024),
  ...cors,
  /**
   * How long an anonymous query's answer is shared with identical anonymous
   * queries, in ms (0: not at all). Bounds how stale a read can be, on top of
   * the read model's own delay (docs/adr/0012).
   */
  GRAPHQL_READ_CACHE_MS: env.int(250, 0),
  /**
   * How long past GRAPHQL_READ_CACHE_MS an answer is still served while one
   * execution refreshes it, in ms (0: requests wait for the new answer).
   */
  GRAPHQL_READ_CACHE_STALE_MS: env.int(250, 0),
  /** Bytes of shared answers kept at most. */
  GRAPHQL_READ_CACHE_MAX_BYTES: env.int(64 * 1024 * 1024, 0),
  /** GraphiQL at GET /graphql and the schema at /graphql/schema.graphql (unset: on, except with NODE_ENV=production). */
  GRAPHIQL_ENABLED: devDefault(),
};

type GatewaySettings = z.infer<z.ZodObject<typeof gatewaySettings>> & { NODE_ENV: string };

/** The document limits the settings describe. */
export const operationLimitsOf = (c: GatewaySettings): OperationLimits => ({
  maxDepth: c.GRAPHQL_MAX_DEPTH,
  maxAliases: c.GRAPHQL_MAX_ALIASES,
  maxDirectives: c.GRAPHQL_MAX_DIRECTIVES,
  maxTokens: c.GRAPHQL_MAX_TOKENS,
  maxFields: c.GRAPHQL_MAX_FIELDS,
  maxCost: c.GRAPHQL_MAX_COST,
  listSizes: c.GRAPHQL_LIST_SIZES,
  defaultListSize: c.GRAPHQL_DEFAULT_LIST_SIZE,
  introspection: c.GRAPHQL_INTROSPECTION ?? c.NODE_ENV !== 'production',
});

export const loadGatewayConfig = (e?: Record<string, string | undefined>) =>
  loadConfig(
    'gateway',
    {
      ...common,
      ...jwt,
      ...gatewaySettings,
      /** Booking rate limits are counted here, shared by every gateway instance. */
      REDIS_URL: env.url(['redis', 'rediss']),
      REDIS_KEY_PREFIX: env.name(''),
      PORT: env.port(4000),
      BOOKINGS_URL: env.url(['http', 'https']),
      EVENTS_URL: env.url(['http', 'https']),
    },
    e,
    jwtProblems,
  );
export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
