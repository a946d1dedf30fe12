import { GraphQLError } from 'graphql';
import { ErrorCode, type BookingStatusMessage } from '@booking/contracts';
import type { Hub } from '@booking/service-kit';
import type { BookingModel } from './model.ts';

/**
 * `bookingUpdated(id)` for the booking's owner: its current state at once
 * when it is already decided, then every later change, each read back so the
 * payload is the whole booking. A change is registered before the current
 * state is read, so one decided in between is not missed; what is sent only
 * ever moves to a newer `version`.
 */
export function followBookings(updates: Hub<BookingStatusMessage>, find: (id: string) => Promise<BookingModel | null>) {
  return async (rawId: string, userId: string): Promise<AsyncIterableIterator<BookingModel>> => {
    const id = rawId.toLowerCase();
    const changes = updates.subscribe(id);
    let current: BookingModel | null;
    try {
      current = /^[0-9a-f-]{36}$/.test(id) ? await find(id) : null;
    } catch (error) {
      await changes.return!();
      throw error;
    }
    if (!current || current.userId !== userId) {
      await changes.return!();
      if (!current) throw new GraphQLError(`no booking ${rawId}`, { extensions: { code: ErrorCode.BOOKING_NOT_FOUND } });
      throw new GraphQLError('this booking belongs to another user', { extensions: { code: ErrorCode.FORBIDDEN } });
    }
    let first: BookingModel | null = current.status === 'PENDING' ? null : current;
    let seen = current.version;
    const iterator: AsyncIterableIterator<BookingModel> = {
      [Symbol.asyncIterator]: () => iterator,
      async next(): Promise<IteratorResult<BookingModel>> {
        if (first) {
          const value = first;
          first = null;
          return { value, done: false };
        }
        for (;;) {
          const r = await changes.next();
          if (r.done) return { value: undefined, done: true };
          // Changes can arrive after the row has moved on: what is told is the
          // row as it is now, and only when it is newer than what was told.
          const stored = await find(id);
          if (!stored || stored.version <= seen || stored.status === 'PENDING') continue;
          seen = stored.version;
          return { value: stored, done: false };
        }
      },
      async return(): Promise<IteratorResult<BookingModel>> {
        await changes.return!();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  };
}
