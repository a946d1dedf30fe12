import { MongoClient } from 'mongodb';
import { createLogger, createVerifier, runService } from '@booking/service-kit';
import { loadEventsApiConfig } from '../config.ts';
import { createMongoReadStore } from '../mongo-store.ts';
import { createEventsApi } from './app.ts';

await runService('events-api', async () => {
  const config = loadEventsApiConfig();
  const log = createLogger('events-api', config.LOG_LEVEL);
  const mongo = new MongoClient(config.MONGO_URL, { maxPoolSize: 20 });
  const store = createMongoReadStore(mongo.db(config.MONGO_DB));
  const api = createEventsApi({ store, log, verifier: createVerifier(config), port: config.PORT, close: () => mongo.close() });
  return {
    log,
    service: {
      async start() {
        await mongo.connect();
        await store.init();
        await api.start();
      },
      stop: () => api.stop(),
    },
  };
});
