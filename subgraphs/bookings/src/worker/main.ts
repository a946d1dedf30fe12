import { Redis } from 'ioredis';
import pg from 'pg';
import { topicNames } from '@booking/contracts';
import { createHealthServer, createKafka, createKafkaBus, createLogger, pgPoolSql, runService, yieldCpu } from '@booking/service-kit';
import { loadWorkerConfig } from '../config.ts';
import { createBookingWorker, createSqlLedger, createRedlockService } from '../index.ts';

await runService('booking-worker', async () => {
  const config = loadWorkerConfig();
  const log = createLogger('booking-worker', config.LOG_LEVEL);
  yieldCpu(config.BACKGROUND_NICE, log);
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
  // Bounds a transaction as Prisma's did: 10 s for a connection, 30 s for a statement or a transaction left idle.
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.DB_POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 30_000,
  });
  // An idle connection that breaks is dropped from the pool; the next transaction opens another.
  pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  const bus = createKafkaBus(createKafka('booking-worker', config.KAFKA_BROKERS, log), log, {
    consumer: {
      ...(config.WORKER_FETCH_WAIT_MS > 0 ? { minBytes: 512 * 1024, maxWaitTimeInMs: config.WORKER_FETCH_WAIT_MS } : {}),
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      retry: { initialRetryTime: 200, retries: 10 },
    },
    partitionsConsumedConcurrently: 2,
  });
  const worker = createBookingWorker({
    bus,
    group: `${config.KAFKA_TOPIC_PREFIX}booking-worker`,
    ledger: createSqlLedger(pgPoolSql(pool), topics),
    locks: createRedlockService(redis),
    topics,
    log,
    batchSize: config.WORKER_BATCH_SIZE,
    lockTtlMs: config.LOCK_TTL_MS,
    lockPrefix: config.REDIS_KEY_PREFIX,
    sweepIntervalMs: config.EXPIRY_SWEEP_MS,
  });
  const health = createHealthServer(() => ({ consumer: worker.isRunning(), redis: redis.status === 'ready' }));
  return {
    log,
    service: {
      async start() {
        await pool.query('SELECT 1');
        await bus.connect();
        await worker.start();
        const port = await health.listen(config.HEALTH_PORT);
        log.info({ healthPort: port }, 'booking worker running');
      },
      async stop() {
        await worker.stop();
        await bus.close();
        await health.close();
        redis.disconnect();
        await pool.end();
      },
    },
  };
});
