import { describe, expect, it } from 'vitest';
import { LockContentionError, type LockService } from '@booking/booking-core';

/**
 * What the worker relies on from a lock service, checked against each
 * implementation. `open` gets retry settings small enough for a test and
 * returns a fresh service with its own key space.
 */
export function lockContract(name: string, open: (retry: { retryCount: number; retryDelay: number; retryJitter: number }) => Promise<{ locks: LockService; key: (k: string) => string; close(): Promise<void> }>) {
  describe(`lock contract: ${name}`, () => {
    const retry = { retryCount: 3, retryDelay: 20, retryJitter: 10 };

    it('lets one holder at a time have a resource, and the next one in after release', async () => {
      const { locks, key, close } = await open({ retryCount: 50, retryDelay: 20, retryJitter: 10 });
      try {
        const first = await locks.acquire([key('a'), key('b')], 5_000);
        let secondAt = 0;
        const second = locks.acquire([key('b'), key('c')], 5_000).then((l) => ((secondAt = Date.now()), l));
        await new Promise((r) => setTimeout(r, 150));
        expect(secondAt).toBe(0);
        const releasedAt = Date.now();
        await first.release();
        const l2 = await second;
        expect(secondAt).toBeGreaterThanOrEqual(releasedAt);
        await l2.release();
      } finally {
        await close();
      }
    });

    it('takes all resources of a call or none, and reports contention after its retries', async () => {
      const { locks, key, close } = await open(retry);
      try {
        const holder = await locks.acquire([key('x')], 5_000);
        await expect(locks.acquire([key('w'), key('x')], 5_000)).rejects.toBeInstanceOf(LockContentionError);
        const w = await locks.acquire([key('w')], 5_000); // not left half-taken by the failed call
        await w.release();
        await holder.release();
      } finally {
        await close();
      }
    });

    it('frees a resource whose holder never released it once its time is up', async () => {
      const { locks, key, close } = await open({ retryCount: 30, retryDelay: 20, retryJitter: 10 });
      try {
        await locks.acquire([key('t')], 200);
        const started = Date.now();
        const next = await locks.acquire([key('t')], 5_000);
        expect(Date.now() - started).toBeGreaterThanOrEqual(100);
        await next.release();
      } finally {
        await close();
      }
    });

    it('does not let a late release by an expired holder free the next holder', async () => {
      const { locks, key, close } = await open(retry);
      try {
        const stale = await locks.acquire([key('s')], 100);
        await new Promise((r) => setTimeout(r, 150));
        const current = await locks.acquire([key('s')], 5_000);
        await stale.release();
        await expect(locks.acquire([key('s')], 5_000)).rejects.toBeInstanceOf(LockContentionError);
        await current.release();
      } finally {
        await close();
      }
    });
  });
}
