import { GraphQLError } from 'graphql';
import { ErrorCode, type BookingStatusMessage } from '@booking/contracts';
import type { Hub } from '@booking/service-kit';
import type { BookingModel } from './model.ts';

/**
 * `bookingUpdated(id)` for the booking's owner: its current state at once
 * when it is already decided, then every later change, each read back so the
 * payload is the whole booking. A change is registered before the current
 * state is read, so one decided in between is not missed; a repeat of the
 * state already sent is dropped.
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
    const known = current;
    let first: BookingModel | null = known.status === 'PENDING' ? null : known;
    let sent = known.status;
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
          const change = r.value;
          if (change.status === sent) continue;
          sent = change.status;
          const stored = (await find(id)) ?? known;
          // The row may already be past this change; the change is what is being told.
          return { value: { ...stored, status: change.status, reason: change.reason }, done: false };
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
