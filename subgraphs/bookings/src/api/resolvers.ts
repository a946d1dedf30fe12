import { GraphQLError } from 'graphql';
import { checkBookingInput, bookingRequestId, type BookingRequestPublisher, type InputProblem } from '@booking/booking-core';
import { ErrorCode } from '@booking/contracts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import type { Context } from '../context.ts';
import type { BookingModel } from './model.ts';
import type { SeatCatalog } from './catalog.ts';
import type { PendingStore } from './pending.ts';

export interface BookingReader {
  byId(id: string): Promise<BookingModel | null>;
}

export interface BookingResolverDeps {
  catalog: SeatCatalog;
  publisher: BookingRequestPublisher;
  pending: PendingStore;
  bookings: BookingReader;
  now?: () => Date;
}

const fail = (problem: InputProblem) =>
  new GraphQLError(problem.message, { extensions: { code: problem.code, ...(problem.field ? { field: problem.field } : {}) } });

function requireUser(ctx: Context): string {
  if (!ctx.userId) {
    throw new GraphQLError('a token is required: send "Authorization: Bearer <JWT>"', { extensions: { code: ErrorCode.UNAUTHENTICATED } });
  }
  return ctx.userId;
}

const sameRequest = (a: BookingModel, b: { eventId: string; seatIds: readonly string[] }) =>
  a.eventId === b.eventId && a.seatIds.length === b.seatIds.length && a.seatIds.every((s, i) => s === b.seatIds[i]);

export function createResolvers({ catalog, publisher, pending, bookings, now = () => new Date() }: BookingResolverDeps): Resolvers {
  const find = async (id: string) => (await bookings.byId(id)) ?? (await pending.get(id));

  return {
    Query: {
      async booking(_parent, { id }, ctx) {
        const userId = requireUser(ctx);
        if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
        const booking = await find(id.toLowerCase());
        if (!booking) return null;
        if (booking.userId !== userId) {
          throw new GraphQLError('this booking belongs to another user', { extensions: { code: ErrorCode.FORBIDDEN } });
        }
        return booking;
      },
    },
    Mutation: {
      async requestBooking(_parent, { input }, ctx) {
        const userId = requireUser(ctx);
        const seatIds = [...input.seatIds];
        const problem = checkBookingInput({ ...input, seatIds }) ?? (await catalog.check(input.eventId, seatIds));
        if (problem) throw fail(problem);

        const id = bookingRequestId(userId, input.idempotencyKey);
        if (input.idempotencyKey != null) {
          const earlier = await find(id);
          if (earlier) {
            if (!sameRequest(earlier, { eventId: input.eventId, seatIds })) {
              throw fail({ code: ErrorCode.BAD_USER_INPUT, field: 'idempotencyKey', message: 'idempotencyKey was already used for a different request' });
            }
            return earlier;
          }
        }
        const booking: BookingModel = { id, status: 'PENDING', reason: null, eventId: input.eventId, userId, seatIds, createdAt: now() };
        await publisher.publish({ requestId: id, eventId: input.eventId, userId, seatIds, requestedAt: booking.createdAt.toISOString() });
        await pending.put(booking).catch((err: unknown) => ctx.log.warn({ err, bookingId: id }, 'could not record pending booking'));
        return booking;
      },
    },
    Booking: {
      async __resolveReference(ref, ctx) {
        const booking = await find(ref.id);
        if (!booking || booking.userId !== ctx.userId) return null;
        return booking;
      },
      event: (booking) => ({ __typename: 'Event' as const, id: booking.eventId }),
      createdAt: (booking) => booking.createdAt.toISOString(),
    },
  };
}
