import type { Redis } from 'ioredis';
import Redlock, { ExecutionError } from 'redlock';
import { LockContentionError, type LockService } from '@booking/booking-core';

/**
 * Redlock over one Redis. All resources of a call are taken atomically by one
 * script, so a batch holds every seat it touches or none; release checks the
 * owner token, never a plain DEL.
 */
export function createRedlockService(redis: Redis, { retryCount = 40, retryDelay = 50, retryJitter = 50 } = {}): LockService {
  const redlock = new Redlock([redis], { retryCount, retryDelay, retryJitter, driftFactor: 0.01 });
  return {
    async acquire(resources, ttlMs) {
      try {
        const lock = await redlock.acquire(resources, ttlMs);
        return {
          release: async () => {
            await lock.release().catch(() => undefined); // expired locks free themselves
          },
        };
      } catch (error) {
        if (error instanceof ExecutionError) throw new LockContentionError(`could not lock ${resources.length} seats: ${(error as Error).message}`);
        throw error;
      }
    },
  };
}
