import type { HoldBounds } from '@booking/booking-core';
import { background, bookingRateLimits, common, cors, env, jwt, jwtProblems, kafka, loadConfig } from '@booking/config';

/**
 * Defaults of the worker and relay, shared with embedded mode.
 *
 * WORKER_BATCH_SIZE: most requests decided in one transaction. 2,000 rather
 * than 500 decided a 10,000-request backlog 1.3-1.4x faster in paired runs
 * (`npm run bench -- --only processing --no-write`, docs/benchmarks.md).
 *
 * WORKER_FETCH_WAIT_MS: how long the broker may hold the worker's fetch to
 * gather a fuller batch (it answers at once when half a megabyte is there).
 * Under intake load 50 ms cut the worker's and PostgreSQL's CPU per request
 * from 0.87 to 0.32 ms and raised POST /api/book from 0.51-0.64x to
 * 0.76-0.80x the baseline's requests/s in alternating runs of
 * `npm run bench -- --only intake --no-write`; a quiet booking waits up to
 * that long before it is decided.
 */
export const WORKER_DEFAULTS = { WORKER_BATCH_SIZE: 2000, WORKER_FETCH_WAIT_MS: 50, LOCK_TTL_MS: 10_000, RELAY_BATCH_SIZE: 1000, EXPIRY_SWEEP_MS: 1000 } as const;

/**
 * How long an idle publisher waits for company before it sends: 5 ms, the
 * Java producer's `linger.ms` since Kafka 4.0 (KIP-1030). At a steady 600
 * POST /api/book per second it cut Kafka's CPU per request from 0.21-0.25 to
 * 0.14-0.17 ms and the bookings service's from 1.01-1.21 to 0.88-1.09 ms
 * against 1 ms (docs/adr/0010, addendum).
 */
export const PUBLISH_LINGER_MS = 5;

/** Hold lengths, in seconds: what `ttlSeconds` defaults to and may range over. */
export const HOLD_DEFAULTS = { HOLD_TTL_SECONDS: 600, HOLD_MIN_SECONDS: 5, HOLD_MAX_SECONDS: 1800 } as const;
const holds = {
  HOLD_TTL_SECONDS: env.int(HOLD_DEFAULTS.HOLD_TTL_SECONDS, 1),
  HOLD_MIN_SECONDS: env.int(HOLD_DEFAULTS.HOLD_MIN_SECONDS, 1),
  HOLD_MAX_SECONDS: env.int(HOLD_DEFAULTS.HOLD_MAX_SECONDS, 1),
};

const database = { DATABASE_URL: env.url(['postgres', 'postgresql']) };
const redis = { REDIS_URL: env.url(['redis', 'rediss']), REDIS_KEY_PREFIX: env.name('') };

export const loadApiConfig = (e?: Record<string, string | undefined>) =>
  loadConfig(
    'bookings-api',
    { ...common, ...database, ...kafka, ...redis, ...jwt, ...holds, ...bookingRateLimits, ...cors, PORT: env.port(4001),
      DB_POOL_SIZE: env.int(10, 1),
      /** How long an idle publisher waits for more booking requests before it sends (docs/adr/0010, addendum). */
      PUBLISH_LINGER_MS: env.int(PUBLISH_LINGER_MS, 0),
    },
    e,
    jwtProblems,
  );

export const loadWorkerConfig = (e?: Record<string, string | undefined>) =>
  loadConfig(
    'booking-worker',
    {
      ...common,
      ...background,
      ...database,
      ...kafka,
      ...redis,
      HEALTH_PORT: env.port(4011),
      /** Requests decided per database transaction. */
      WORKER_BATCH_SIZE: env.int(WORKER_DEFAULTS.WORKER_BATCH_SIZE, 1),
      LOCK_TTL_MS: env.int(WORKER_DEFAULTS.LOCK_TTL_MS, 100),
      /** 0: fetch as soon as any request is there. */
      WORKER_FETCH_WAIT_MS: env.int(WORKER_DEFAULTS.WORKER_FETCH_WAIT_MS, 0),
      /** How often held seats past their expiry are looked for (a hold ends at most this long late, plus the commit). */
      EXPIRY_SWEEP_MS: env.int(WORKER_DEFAULTS.EXPIRY_SWEEP_MS, 50),
      DB_POOL_SIZE: env.int(4, 1),
    },
    e,
  );

export const loadRelayConfig = (e?: Record<string, string | undefined>) =>
  loadConfig('outbox-relay', { ...common, ...background, ...database, ...kafka, HEALTH_PORT: env.port(4012), RELAY_BATCH_SIZE: env.int(WORKER_DEFAULTS.RELAY_BATCH_SIZE, 1) }, e);

/** The hold bounds of a deployment, from its settings. */
export const holdBounds = (c: { HOLD_TTL_SECONDS: number; HOLD_MIN_SECONDS: number; HOLD_MAX_SECONDS: number }): HoldBounds => ({
  defaultSeconds: c.HOLD_TTL_SECONDS,
  minSeconds: c.HOLD_MIN_SECONDS,
  maxSeconds: c.HOLD_MAX_SECONDS,
});

export type ApiConfig = ReturnType<typeof loadApiConfig>;
export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
export type RelayConfig = ReturnType<typeof loadRelayConfig>;
