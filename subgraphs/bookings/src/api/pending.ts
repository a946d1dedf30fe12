import type { Redis } from 'ioredis';
import type { BookingModel } from './model.ts';

/**
 * Requests accepted but not yet decided. The bus holds the request itself;
 * this record only lets `booking(id)` answer PENDING until the worker's row
 * exists.
 */
export interface PendingStore {
  put(booking: BookingModel): Promise<void>;
  get(id: string): Promise<BookingModel | null>;
}

const DAY_SECONDS = 24 * 3600;

export function createRedisPendingStore(redis: Redis, prefix: string, ttlSeconds = DAY_SECONDS): PendingStore {
  const key = (id: string) => `${prefix}pending:${id}`;
  return {
    async put(booking) {
      await redis.set(key(booking.id), JSON.stringify(booking), 'EX', ttlSeconds);
    },
    async get(id) {
      const raw = await redis.get(key(id));
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Omit<BookingModel, 'createdAt' | 'expiresAt'> & { createdAt: string; expiresAt: string | null };
      return { ...parsed, createdAt: new Date(parsed.createdAt), expiresAt: parsed.expiresAt === null ? null : new Date(parsed.expiresAt) };
    },
  };
}

/** In process (embedded mode): entries expire like the Redis keys do. */
export function createMemoryPendingStore(ttlSeconds = DAY_SECONDS, now = () => Date.now()): PendingStore {
  const entries = new Map<string, { booking: BookingModel; expires: number }>();
  return {
    async put(booking) {
      const t = now();
      // Entries share one TTL, so the oldest come first: drop expired ones from the front.
      for (const [id, e] of entries) {
        if (e.expires > t) break;
        entries.delete(id);
      }
      entries.delete(booking.id); // a repeated put moves to the back
      entries.set(booking.id, { booking, expires: t + ttlSeconds * 1000 });
    },
    async get(id) {
      const e = entries.get(id);
      return e && e.expires > now() ? e.booking : null;
    },
  };
}
