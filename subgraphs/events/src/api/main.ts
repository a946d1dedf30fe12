import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { topicNames } from '@booking/contracts';
import { corsOrigins, createKafka, createKafkaBus, createLogger, LIVE_READER_CONSUMER, createVerifier, runService } from '@booking/service-kit';
import { loadEventsApiConfig } from '../config.ts';
import { createLiveReadModel } from '../live-model.ts';
import { createEventsApi, createMongoReadStore } from '../index.ts';

await runService('events-api', async () => {
  const config = loadEventsApiConfig();
  const log = createLogger('events-api', config.LOG_LEVEL);
  const mongo = new MongoClient(config.MONGO_URL, { maxPoolSize: 20 });
  const durable = createMongoReadStore(mongo.db(config.MONGO_DB));
  const bus = createKafkaBus(createKafka('events-api', config.KAFKA_BROKERS, log), log, {
    consumer: LIVE_READER_CONSUMER,
  });
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
  const model = createLiveReadModel({
    durable,
    bus,
    topic: topics.seatStatus,
    eventTopic: topics.eventChanges,
    group: `${config.KAFKA_TOPIC_PREFIX}events-feed-${randomUUID()}`,
    log,
    refreshMs: config.READ_MODEL_REFRESH_MS,
    resyncMs: config.READ_MODEL_RESYNC_MS,
  });
  const close = async () => {
    await model.stop();
    await bus.close();
    await mongo.close();
  };
  const api = createEventsApi({
    store: model.store,
    // The model's reader also feeds the subscriptions: ready once it has joined and loaded.
    readiness: async () => ({ mongo: await durable.ping(), readModel: model.ready() }),
    changes: model.changes,
    log,
    verifier: createVerifier(config),
    port: config.PORT,
    corsOrigins: corsOrigins(config),
    close,
  });
  return {
    log,
    service: {
      async start() {
        await mongo.connect();
        await durable.init();
        await bus.connect();
        await model.start();
        await api.start();
      },
      stop: () => api.stop(),
    },
  };
});
