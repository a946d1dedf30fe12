import { z } from 'zod';

export { z };

/** Thrown when the environment does not describe a runnable service. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once against a zod shape whose keys are the variable
 * names, then runs `check` for rules across variables. Every problem is
 * reported at once; the result is frozen.
 */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  env: Record<string, string | undefined> = process.env,
  check: (config: z.infer<z.ZodObject<S>>) => string[] = () => [],
): Readonly<z.infer<z.ZodObject<S>>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const given = env[String(issue.path[0])];
      return given === undefined ? `${name} is required: ${issue.message}` : `${name}=${JSON.stringify(given)} is invalid: ${issue.message}`;
    });
    throw new ConfigError(service, problems);
  }
  const problems = check(result.data);
  if (problems.length > 0) throw new ConfigError(service, problems);
  return Object.freeze(result.data);
}

/** Field builders shared by every service's config. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  url: (protocols: string[]) =>
    z
      .string()
      .url()
      .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`),
  brokers: () =>
    z
      .string()
      .min(1)
      .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1)),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  name: (fallback: string) => z.string().regex(/^[A-Za-z0-9._:-]*$/, 'letters, digits, ".", ":", "-" and "_" only').default(fallback),
  /** An optional variable; set but empty (as compose's `${X:-}` leaves it) counts as unset. */
  optional: <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional()),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
};

/** Variables every service reads. */
export const common = {
  LOG_LEVEL: env.logLevel(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
};

/**
 * Roles that work through a backlog (the worker, the outbox relay, the
 * projector) yield the CPU to the processes answering requests.
 */
export const background = {
  /** How far a background role lowers its CPU weight: a nice value, 0 (as a request-serving process) to 19; 10 weighs it about a tenth. */
  BACKGROUND_NICE: z.coerce.number().int().min(0).max(19).default(10),
};

export const kafka = {
  KAFKA_BROKERS: env.brokers(),
  /** Prefix for topic and group names, so several stacks can share one broker. */
  KAFKA_TOPIC_PREFIX: env.name(''),
};

/**
 * The development token settings: HS256 with a published key. `npm run token`
 * and the tests sign with them; a process outside production uses them when
 * no key is configured. Never a production key (README, "Identity").
 */
/**
 * Booking rate limits, counted by every process that takes bookings (the
 * gateway for GraphQL, the bookings service for the REST route NGINX sends
 * it), in the same Redis counters.
 */
export const bookingRateLimits = {
  /** Proxies whose X-Forwarded-For is believed (Express `trust proxy` syntax); NGINX on the same host by default. */
  TRUSTED_PROXIES: z.string().min(1).default('loopback'),
  /** Booking requests (seat requests of requestBooking, holdSeats and POST /api/book) per user per window. */
  RATE_LIMIT_BOOKINGS_PER_USER: env.int(20, 1),
  /** Booking requests per client address per window (several people may share one address). */
  RATE_LIMIT_BOOKINGS_PER_IP: env.int(100, 1),
  RATE_LIMIT_WINDOW_SECONDS: env.int(10, 1),
};

/** Origins whose pages may call the REST API and GraphQL (gateway, and the bookings service's REST route). */
export const cors = {
  /**
   * Origins whose pages may call /api and /graphql: comma-separated
   * (`https://shop.example,https://admin.example`) or `*`. Unset: any origin,
   * except with NODE_ENV=production, where none is allowed until listed.
   */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      if (v.trim() === '*') return '*' as const;
      const origins = v.split(',').map((o) => o.trim()).filter(Boolean);
      for (const origin of origins) {
        if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
          ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin (scheme://host[:port], no path)` });
        }
      }
      return origins;
    }),
};

export const DEV_JWT = {
  secret: 'development-only-jwt-secret-for-booking',
  issuer: 'booking-dev',
  audience: 'booking',
} as const;

/** Token verification, for every process that serves requests of end users (gateway, subgraphs). */
export const jwt = {
  /** HS256 key (at least 32 characters). Outside production, unset means DEV_JWT.secret. */
  JWT_SECRET: env.optional(z.string().min(32, 'must be at least 32 characters')),
  /** Where the RS256/ES256 public keys are published; instead of JWT_SECRET. */
  JWKS_URL: env.optional(env.url(['https', 'http'])),
  JWT_ISSUER: z.string().min(1).default(DEV_JWT.issuer),
  JWT_AUDIENCE: z.string().min(1).default(DEV_JWT.audience),
  /** Seconds of clock difference tolerated on `exp` and `nbf`. */
  JWT_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(30),
};

/** Production names its key explicitly: a JWKS URL or a secret, one of the two. */
export function jwtProblems(config: { NODE_ENV: string; JWT_SECRET?: string; JWKS_URL?: string }): string[] {
  if (config.JWT_SECRET && config.JWKS_URL) return ['JWT_SECRET and JWKS_URL are both set: choose one way to verify tokens'];
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET && !config.JWKS_URL) {
    return ['JWT_SECRET or JWKS_URL is required with NODE_ENV=production: tokens cannot be verified without a key'];
  }
  return [];
}
