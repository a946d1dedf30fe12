import type { Redis } from 'ioredis';
import type { BookingModel } from './model.ts';

/**
 * Requests accepted but not yet decided. The bus holds the request itself;
 * this record only lets `booking(id)` and `myBookings` show it PENDING until
 * the worker's row exists.
 */
export interface PendingStore {
  put(booking: BookingModel): Promise<void>;
  get(id: string): Promise<BookingModel | null>;
  /** A user's records, newest first, at most `limit`; some may have been decided since (see `forget`). */
  ofUser(userId: string, limit: number): Promise<BookingModel[]>;
  /** Drops a user's records from `ofUser` once their rows exist. */
  forget(userId: string, ids: string[]): Promise<void>;
}

const DAY_SECONDS = 24 * 3600;

type StoredBooking = Omit<BookingModel, 'createdAt' | 'expiresAt'> & { createdAt: string; expiresAt: string | null };
const parse = (raw: string): BookingModel => {
  const parsed = JSON.parse(raw) as StoredBooking;
  return { ...parsed, createdAt: new Date(parsed.createdAt), expiresAt: parsed.expiresAt === null ? null : new Date(parsed.expiresAt) };
};

/** Newest first, as `myBookings` orders. */
export const newestFirst = (a: BookingModel, b: BookingModel) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * A key per record, and per user a sorted set of record ids by request
 * time. The client pipelines the three writes of `put` with the other
 * commands of the moment (enableAutoPipelining), so intake pays no extra
 * round trip.
 */
export function createRedisPendingStore(redis: Redis, prefix: string, ttlSeconds = DAY_SECONDS): PendingStore {
  const key = (id: string) => `${prefix}pending:${id}`;
  const ofUserKey = (userId: string) => `${prefix}pending-of:${userId}`;
  return {
    async put(booking) {
      const index = ofUserKey(booking.userId);
      await Promise.all([
        redis.set(key(booking.id), JSON.stringify(booking), 'EX', ttlSeconds),
        redis.zadd(index, booking.createdAt.getTime(), booking.id),
        redis.expire(index, ttlSeconds),
      ]);
    },
    async get(id) {
      const raw = await redis.get(key(id));
      return raw ? parse(raw) : null;
    },
    async ofUser(userId, limit) {
      // Ids older than the records' lifetime have no record left.
      const ids = await redis.zrevrangebyscore(ofUserKey(userId), '+inf', Date.now() - ttlSeconds * 1000, 'LIMIT', 0, limit);
      if (ids.length === 0) return [];
      const raws = await redis.mget(ids.map(key));
      return raws.flatMap((raw) => (raw ? [parse(raw)] : []));
    },
    async forget(userId, ids) {
      if (ids.length > 0) await redis.zrem(ofUserKey(userId), ...ids);
    },
  };
}

/** In process (embedded mode): entries expire like the Redis keys do. */
export function createMemoryPendingStore(ttlSeconds = DAY_SECONDS, now = () => Date.now()): PendingStore {
  const entries = new Map<string, { booking: BookingModel; expires: number }>();
  const byUser = new Map<string, Set<string>>();
  const unlist = (userId: string, id: string) => {
    const ids = byUser.get(userId);
    ids?.delete(id);
    if (ids?.size === 0) byUser.delete(userId);
  };
  return {
    async put(booking) {
      const t = now();
      // Entries share one TTL, so the oldest come first: drop expired ones from the front.
      for (const [id, e] of entries) {
        if (e.expires > t) break;
        entries.delete(id);
        unlist(e.booking.userId, id);
      }
      entries.delete(booking.id); // a repeated put moves to the back
      entries.set(booking.id, { booking, expires: t + ttlSeconds * 1000 });
      byUser.set(booking.userId, (byUser.get(booking.userId) ?? new Set()).add(booking.id));
    },
    async get(id) {
      const e = entries.get(id);
      return e && e.expires > now() ? e.booking : null;
    },
    async ofUser(userId, limit) {
      const t = now();
      const live = [...(byUser.get(userId) ?? [])].flatMap((id) => {
        const e = entries.get(id);
        return e && e.expires > t ? [e.booking] : [];
      });
      return live.sort(newestFirst).slice(0, limit);
    },
    async forget(userId, ids) {
      for (const id of ids) unlist(userId, id);
    },
  };
}
