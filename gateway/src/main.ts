import { Redis } from 'ioredis';
import { createLogger, createRedisRateLimiter, runService } from '@booking/service-kit';
import { loadGatewayConfig } from './config.ts';
import { createGateway } from './gateway.ts';

await runService('gateway', async () => {
  const config = loadGatewayConfig();
  const log = createLogger('gateway', config.LOG_LEVEL);
  // No offline queue: with Redis away a rate check fails at once instead of
  // holding the request. Auto-pipelining: a booking's two rate counters, and
  // those of concurrent bookings, leave in one write.
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: true });
  const gateway = createGateway(config, log, createRedisRateLimiter(redis, config.REDIS_KEY_PREFIX, config, log));
  return {
    log,
    service: {
      async start() {
        await redis.connect();
        await gateway.start();
      },
      async stop() {
        await gateway.stop();
        redis.disconnect();
      },
    },
  };
});
