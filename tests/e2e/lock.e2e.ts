import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { serviceEnv } from '@booking/testkit';
import { createRedlockService } from '../../subgraphs/bookings/src/worker/lock.ts';
import { lockContract } from '../contracts/lock.ts';

lockContract('Redlock on Redis', async (retry) => {
  const redis = new Redis(serviceEnv().redisUrl, { maxRetriesPerRequest: 2 });
  const prefix = `lock_${randomBytes(4).toString('hex')}:`;
  return { locks: createRedlockService(redis, retry), key: (k) => `${prefix}${k}`, close: async () => void redis.disconnect() };
});
