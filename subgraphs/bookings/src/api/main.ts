import { Redis } from 'ioredis';
import { topicNames } from '@booking/contracts';
import { createKafka, createKafkaBus, createLogger, createVerifier, runService } from '@booking/service-kit';
import { holdBounds, loadApiConfig } from '../config.ts';
import { createDb } from '../db.ts';
import { createBookingsApi } from './app.ts';
import { createSeatCatalog } from './catalog.ts';
import { createPrismaEventAdmin } from './event-admin.ts';
import { createBatchingPublisher } from './publisher.ts';
import { createRedisPendingStore } from './pending.ts';
import { createBookingReader, createDbSeatSource } from './reader.ts';

await runService('bookings-api', async () => {
  const config = loadApiConfig();
  const log = createLogger('bookings-api', config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const bus = createKafkaBus(createKafka('bookings-api', config.KAFKA_BROKERS, log), log);
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
  const publisher = createBatchingPublisher(bus, topics.bookingRequests);

  const api = createBookingsApi({
    log,
    verifier: createVerifier(config),
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
