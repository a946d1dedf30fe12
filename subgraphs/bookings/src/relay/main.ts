import { createHealthServer, createKafka, createProducer, createLogger, runService } from '@booking/service-kit';
import { loadRelayConfig } from '../config.ts';
import { createOutboxRelay } from './relay.ts';

await runService('outbox-relay', async () => {
  const config = loadRelayConfig();
  const log = createLogger('outbox-relay', config.LOG_LEVEL);
  const kafka = createKafka('outbox-relay', config.KAFKA_BROKERS, log);
  const relay = createOutboxRelay({
    databaseUrl: config.DATABASE_URL,
    producer: createProducer(kafka),
    log,
    batchSize: config.RELAY_BATCH_SIZE,
  });
  // A standby relay is ready too: it takes over when the publisher stops.
  const health = createHealthServer(() => ({ postgres: relay.status().reachable }));
  return {
    log,
    service: {
      async start() {
        await relay.start();
        const port = await health.listen(config.HEALTH_PORT);
        log.info({ healthPort: port, ...relay.status() }, 'outbox relay running');
      },
      async stop() {
        await relay.stop();
        await health.close();
      },
    },
  };
});
