import type { Redis } from 'ioredis';
import type { BookingModel } from './model.ts';

/**
 * Requests accepted but not yet decided. Kafka holds the request itself; this
 * record only lets `booking(id)` answer PENDING until the worker's row exists.
 */
export function createPendingStore(redis: Redis, prefix: string, ttlSeconds = 24 * 3600) {
  const key = (id: string) => `${prefix}pending:${id}`;
  return {
    async put(booking: BookingModel): Promise<void> {
      await redis.set(key(booking.id), JSON.stringify({ ...booking, createdAt: booking.createdAt.toISOString() }), 'EX', ttlSeconds);
    },
    async get(id: string): Promise<BookingModel | null> {
      const raw = await redis.get(key(id));
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Omit<BookingModel, 'createdAt'> & { createdAt: string };
      return { ...parsed, createdAt: new Date(parsed.createdAt) };
    },
  };
}
export type PendingStore = ReturnType<typeof createPendingStore>;
