import { MongoClient } from 'mongodb';
import { topicNames } from '@booking/contracts';
import { createHealthServer, createKafka, createKafkaBus, createLogger, runService, yieldCpu } from '@booking/service-kit';
import { loadProjectorConfig } from '../config.ts';
import { createMongoReadStore, createProjector } from '../index.ts';

await runService('projector', async () => {
  const config = loadProjectorConfig();
  const log = createLogger('projector', config.LOG_LEVEL);
  yieldCpu(config.BACKGROUND_NICE, log);
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
  const mongo = new MongoClient(config.MONGO_URL);
  const store = createMongoReadStore(mongo.db(config.MONGO_DB));
  const bus = createKafkaBus(createKafka('projector', config.KAFKA_BROKERS, log), log, {
    // A backlog arrives in large fetches, so a burst is applied in few block
    // writes; under a steady stream the broker holds each fetch until 256 KiB
    // (~800 changes) or 250 ms have gathered, so a block changed many times
    // meanwhile is written once (docs/adr/0011). Reads do not wait for this
    // copy: every events instance applies seat-status itself (ADR 0011).
    consumer: { minBytes: 256 * 1024, maxWaitTimeInMs: 250, maxBytesPerPartition: 8 * 1024 * 1024, maxBytes: 16 * 1024 * 1024 },
  });
  const projector = createProjector({
    bus,
    group: `${config.KAFKA_TOPIC_PREFIX}events-projector`,
    store,
    topic: topics.seatStatus,
    eventTopic: topics.eventChanges,
    deadLetterTopic: topics.seatStatusDeadLetter,
    log,
  });
  const health = createHealthServer(async () => ({ consumer: projector.isRunning(), mongo: await store.ping() }));
  return {
    log,
    service: {
      async start() {
        await mongo.connect();
        await store.init();
        await bus.connect();
        await projector.start();
        const port = await health.listen(config.HEALTH_PORT);
        log.info({ healthPort: port }, 'projector running');
      },
      async stop() {
        await projector.stop();
        await bus.close();
        await health.close();
        await mongo.close();
      },
    },
  };
});
