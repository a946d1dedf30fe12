import { randomUUID } from 'node:crypto';
import { LockContentionError, type LockService } from '@booking/booking-core';

/**
 * Locks inside one process (embedded mode), with Redlock's behaviour: all
 * resources of a call or none, a bounded hold time, retries with jitter and
 * then LockContentionError, release only by the owner.
 */
export function createMemoryLockService({ retryCount = 40, retryDelay = 50, retryJitter = 50 } = {}): LockService {
  const held = new Map<string, { token: string; expires: number }>();
  const free = (resource: string, t: number) => {
    const h = held.get(resource);
    return !h || h.expires <= t;
  };
  return {
    async acquire(resources, ttlMs) {
      const token = randomUUID();
      for (let attempt = 0; attempt <= retryCount; attempt++) {
        const t = Date.now();
        if (resources.every((r) => free(r, t))) {
          for (const r of resources) held.set(r, { token, expires: t + ttlMs });
          return {
            release: async () => {
              for (const r of resources) if (held.get(r)?.token === token) held.delete(r);
            },
          };
        }
        if (attempt < retryCount) await new Promise((r) => setTimeout(r, retryDelay + Math.random() * retryJitter));
      }
      throw new LockContentionError(`could not lock ${resources.length} seats: held by another batch`);
    },
  };
}
