import { common, env, jwt, jwtProblems, kafka, loadConfig } from '@booking/config';

/** Defaults of the worker and relay, shared with embedded mode. */
export const WORKER_DEFAULTS = { WORKER_BATCH_SIZE: 500, LOCK_TTL_MS: 10_000, RELAY_BATCH_SIZE: 1000 } as const;

const database = { DATABASE_URL: env.url(['postgres', 'postgresql']) };
const redis = { REDIS_URL: env.url(['redis', 'rediss']), REDIS_KEY_PREFIX: env.name('') };

export const loadApiConfig = (e?: Record<string, string | undefined>) =>
  loadConfig(
    'bookings-api',
    { ...common, ...database, ...kafka, ...redis, ...jwt, PORT: env.port(4001), DB_POOL_SIZE: env.int(10, 1) },
    e,
    jwtProblems,
  );

export const loadWorkerConfig = (e?: Record<string, string | undefined>) =>
  loadConfig(
    'booking-worker',
    {
      ...common,
      ...database,
      ...kafka,
      ...redis,
      HEALTH_PORT: env.port(4011),
      /** Requests decided per database transaction. */
      WORKER_BATCH_SIZE: env.int(WORKER_DEFAULTS.WORKER_BATCH_SIZE, 1),
      LOCK_TTL_MS: env.int(WORKER_DEFAULTS.LOCK_TTL_MS, 100),
      DB_POOL_SIZE: env.int(4, 1),
    },
    e,
  );

export const loadRelayConfig = (e?: Record<string, string | undefined>) =>
  loadConfig('outbox-relay', { ...common, ...database, ...kafka, HEALTH_PORT: env.port(4012), RELAY_BATCH_SIZE: env.int(WORKER_DEFAULTS.RELAY_BATCH_SIZE, 1) }, e);

export type ApiConfig = ReturnType<typeof loadApiConfig>;
export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
export type RelayConfig = ReturnType<typeof loadRelayConfig>;
