import { Redis } from 'ioredis';
import { createKafka, createKafkaBus, createLogger, runService } from '@booking/service-kit';
import { loadGatewayConfig } from './config.ts';
import { createGateway } from './gateway.ts';
import { createRedisRateLimiter } from './rate-limit.ts';

await runService('gateway', async () => {
  const config = loadGatewayConfig();
  const log = createLogger('gateway', config.LOG_LEVEL);
  const bus = createKafkaBus(createKafka('gateway', config.KAFKA_BROKERS, log), log, {
    consumer: { maxWaitTimeInMs: 20, sessionTimeout: 10_000, heartbeatInterval: 1_000 },
  });
  // No offline queue: with Redis away a rate check fails at once instead of holding the request.
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const gateway = createGateway(config, log, bus, createRedisRateLimiter(redis, config.REDIS_KEY_PREFIX, config, log));
  return {
    log,
    service: {
      async start() {
        await Promise.all([bus.connect(), redis.connect()]);
        await gateway.start();
      },
      async stop() {
        await gateway.stop();
        await bus.close();
        redis.disconnect();
      },
    },
  };
});
