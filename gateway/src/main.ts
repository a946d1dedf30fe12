import { createKafka, createKafkaBus, createLogger, runService } from '@booking/service-kit';
import { loadGatewayConfig } from './config.ts';
import { createGateway } from './gateway.ts';

await runService('gateway', async () => {
  const config = loadGatewayConfig();
  const log = createLogger('gateway', config.LOG_LEVEL);
  const bus = createKafkaBus(createKafka('gateway', config.KAFKA_BROKERS, log), log, {
    consumer: { maxWaitTimeInMs: 20, sessionTimeout: 10_000, heartbeatInterval: 1_000 },
  });
  const gateway = createGateway(config, log, bus);
  return {
    log,
    service: {
      async start() {
        await bus.connect();
        await gateway.start();
      },
      async stop() {
        await gateway.stop();
        await bus.close();
      },
    },
  };
});
