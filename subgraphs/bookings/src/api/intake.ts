import { checkBookingInput, bookingRequestId, type BookingInput, type BookingRequestPublisher, type InputProblem } from '@booking/booking-core';
import { ErrorCode } from '@booking/contracts';
import type { Logger } from '@booking/service-kit';
import type { BookingModel } from './model.ts';
import type { SeatCatalog } from './catalog.ts';
import type { PendingStore } from './pending.ts';

import type { BookingReader } from './resolvers.ts';

export interface IntakeDeps {
  catalog: SeatCatalog;
  publisher: BookingRequestPublisher;
  pending: PendingStore;
  bookings: BookingReader;
  now?: () => Date;
}

const sameRequest = (a: BookingModel, b: { eventId: string; seatIds: readonly string[]; hold: boolean }) =>
  a.eventId === b.eventId &&
  a.seatIds.length === b.seatIds.length &&
  a.seatIds.every((s, i) => s === b.seatIds[i]) &&
  // Whether a request asked for a hold is recorded only while it is pending.
  (a.hold === undefined || a.hold === b.hold);

/**
 * Taking a booking request, whichever API it came through (GraphQL
 * `requestBooking`, REST `POST /api/book`): checked, given its id, published,
 * and only then answered PENDING.
 */
export function createIntake({ catalog, publisher, pending, bookings, now = () => new Date() }: IntakeDeps) {
  const find = async (id: string) => (await bookings.byId(id)) ?? (await pending.get(id));
  return {
    find,
    /** `hold`: seconds to hold the seats for instead of booking them outright, or null. */
    async request(userId: string, input: BookingInput, log: Logger, hold: number | null = null): Promise<{ booking: BookingModel } | { problem: InputProblem }> {
      const seatIds = [...input.seatIds];
      const problem = checkBookingInput({ ...input, seatIds }) ?? (await catalog.check(input.eventId, seatIds));
      if (problem) return { problem };
      const id = bookingRequestId(userId, input.idempotencyKey);
      if (input.idempotencyKey != null) {
        const earlier = await find(id);
        if (earlier) {
          if (!sameRequest(earlier, { eventId: input.eventId, seatIds, hold: hold !== null })) {
            return { problem: { code: ErrorCode.BAD_USER_INPUT, field: 'idempotencyKey', message: 'idempotencyKey was already used for a different request' } };
          }
          return { booking: earlier };
        }
      }
      const booking: BookingModel = { id, status: 'PENDING', reason: null, eventId: input.eventId, userId, seatIds, createdAt: now(), expiresAt: null, version: 0, hold: hold !== null };
      await publisher.publish({
        requestId: id,
        eventId: input.eventId,
        userId,
        seatIds,
        requestedAt: booking.createdAt.toISOString(),
        ...(hold !== null ? { holdSeconds: hold } : {}),
      });
      await pending.put(booking).catch((err: unknown) => log.warn({ err, bookingId: id }, 'could not record pending booking'));
      return { booking };
    },
  };
}
export type Intake = ReturnType<typeof createIntake>;
