import { Redis } from 'ioredis';
import { topicNames } from '@booking/contracts';
import { corsOrigins, createKafka, createKafkaBus, createLogger, LIVE_READER_CONSUMER, createRedisRateLimiter, createVerifier, runService } from '@booking/service-kit';
import { holdBounds, loadApiConfig } from '../config.ts';
import {
  createBatchingPublisher,
  createBookingReader,
  createBookingsApi,
  createDb,
  createDbSeatSource,
  createPrismaEventAdmin,
  createRedisPendingStore,
  createSeatCatalog,
} from '../index.ts';

await runService('bookings-api', async () => {
  const config = loadApiConfig();
  const log = createLogger('bookings-api', config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
  // Auto-pipelining: the pending records of concurrent requests go to Redis in one write.
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true });
  const bus = createKafkaBus(createKafka('bookings-api', config.KAFKA_BROKERS, log), log, {
    consumer: LIVE_READER_CONSUMER,
  });
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
  const publisher = createBatchingPublisher(bus, topics.bookingRequests, { lingerMs: config.PUBLISH_LINGER_MS });

  const api = createBookingsApi({
    bus,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    log,
    verifier: createVerifier(config),
    restActsForBodyUser: config.NODE_ENV !== 'production',
    rateLimiter: createRedisRateLimiter(redis, config.REDIS_KEY_PREFIX, config, log),
    trustedProxies: config.TRUSTED_PROXIES,
    corsOrigins: corsOrigins(config),
    port: config.PORT,
    catalog: createSeatCatalog(createDbSeatSource(db)),
    publisher,
    pending: createRedisPendingStore(redis, config.REDIS_KEY_PREFIX),
    bookings: createBookingReader(db),
    events: createPrismaEventAdmin(db, topics),
    holds: holdBounds(config),
    readiness: async () => ({
      kafka: bus.connected(),
      redis: redis.status === 'ready',
      postgres: await db.$queryRaw`SELECT 1`.then(() => true, () => false),
    }),
    close: async () => {
      await publisher.flush();
      await bus.close();
      redis.disconnect();
      await db.$disconnect();
    },
  });
  return {
    log,
    service: {
      async start() {
        await Promise.all([bus.connect(), redis.connect(), db.$connect()]);
        await api.start();
      },
      stop: () => api.stop(),
    },
  };
});
