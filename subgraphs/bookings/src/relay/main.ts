import { createHealthServer, createKafka, createKafkaBus, createLogger, runService, yieldCpu } from '@booking/service-kit';
import { loadRelayConfig } from '../config.ts';
import { connectPg, createOutboxRelay } from '../index.ts';

await runService('outbox-relay', async () => {
  const config = loadRelayConfig();
  const log = createLogger('outbox-relay', config.LOG_LEVEL);
  yieldCpu(config.BACKGROUND_NICE, log);
  const bus = createKafkaBus(createKafka('outbox-relay', config.KAFKA_BROKERS, log), log);
  const relay = createOutboxRelay({
    connect: () => connectPg(config.DATABASE_URL),
    bus,
    log,
    batchSize: config.RELAY_BATCH_SIZE,
  });
  // A standby relay is ready too: it takes over when the publisher stops.
  const health = createHealthServer(() => ({ postgres: relay.status().reachable }));
  return {
    log,
    service: {
      async start() {
        await bus.connect();
        await relay.start();
        const port = await health.listen(config.HEALTH_PORT);
        log.info({ healthPort: port, ...relay.status() }, 'outbox relay running');
      },
      async stop() {
        await relay.stop();
        await bus.close();
        await health.close();
      },
    },
  };
});
