import { Redis } from 'ioredis';
import { topicNames } from '@booking/contracts';
import { createKafka, createLogger, createProducer, runService } from '@booking/service-kit';
import { loadApiConfig } from '../config.ts';
import { createDb } from '../db.ts';
import { createBookingsApi } from './app.ts';
import { createSeatCatalog } from './catalog.ts';
import { createBatchingPublisher } from './publisher.ts';
import { createPendingStore } from './pending.ts';
import { createBookingReader } from './reader.ts';

await runService('bookings-api', async () => {
  const config = loadApiConfig();
  const log = createLogger('bookings-api', config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const kafka = createKafka('bookings-api', config.KAFKA_BROKERS, log);
  const producer = createProducer(kafka);
  let producerUp = false;
  producer.on(producer.events.CONNECT, () => (producerUp = true));
  producer.on(producer.events.DISCONNECT, () => (producerUp = false));
  const publisher = createBatchingPublisher(producer, topicNames(config.KAFKA_TOPIC_PREFIX).bookingRequests);

  const api = createBookingsApi({
    log,
    port: config.PORT,
    catalog: createSeatCatalog({
      async seatsOf(eventId) {
        const event = await db.event.findUnique({ where: { id: eventId }, select: { seats: { select: { id: true } } } });
        return event ? event.seats.map((s) => s.id) : null;
      },
    }),
    publisher,
    pending: createPendingStore(redis, config.REDIS_KEY_PREFIX),
    bookings: createBookingReader(db),
    readiness: async () => ({
      kafka: producerUp,
      redis: redis.status === 'ready',
      postgres: await db.$queryRaw`SELECT 1`.then(() => true, () => false),
    }),
    close: async () => {
      await publisher.flush();
      await producer.disconnect();
      redis.disconnect();
      await db.$disconnect();
    },
  });
  return {
    log,
    service: {
      async start() {
        await Promise.all([producer.connect(), redis.connect(), db.$connect()]);
        await api.start();
      },
      stop: () => api.stop(),
    },
  };
});
