import { MongoClient } from 'mongodb';
import { createKafka, createKafkaBus, createLogger, createVerifier, runService } from '@booking/service-kit';
import { loadEventsApiConfig } from '../config.ts';
import { createEventsApi, createMongoReadStore } from '../index.ts';

await runService('events-api', async () => {
  const config = loadEventsApiConfig();
  const log = createLogger('events-api', config.LOG_LEVEL);
  const mongo = new MongoClient(config.MONGO_URL, { maxPoolSize: 20 });
  const store = createMongoReadStore(mongo.db(config.MONGO_DB));
  const bus = createKafkaBus(createKafka('events-api', config.KAFKA_BROKERS, log), log, {
    consumer: { maxWaitTimeInMs: 20, sessionTimeout: 10_000, heartbeatInterval: 1_000 },
  });
  const close = async () => {
    await bus.close();
    await mongo.close();
  };
  const api = createEventsApi({ store, bus, topicPrefix: config.KAFKA_TOPIC_PREFIX, log, verifier: createVerifier(config), port: config.PORT, close });
  return {
    log,
    service: {
      async start() {
        await mongo.connect();
        await store.init();
        await bus.connect();
        await api.start();
      },
      stop: () => api.stop(),
    },
  };
});
