import { gql, waitFor, type Stack } from '@booking/testkit';

export const BOOK = /* GraphQL */ `
  mutation Book($input: RequestBookingInput!) {
    requestBooking(input: $input) { id status reason seatIds userId createdAt }
  }`;

export const BOOKING = /* GraphQL */ `
  query Booking($id: ID!) { booking(id: $id) { id status reason seatIds userId event { id name } } }`;

export type BookingResult = { id: string; status: string; reason: string | null; seatIds: string[]; userId: string; event?: { id: string; name: string } };

export async function requestBooking(stack: Stack, userId: string, eventId: string, seatIds: string[], idempotencyKey?: string) {
  return gql<{ requestBooking: BookingResult }>(stack.graphqlUrl, BOOK, { input: { eventId, seatIds, idempotencyKey } }, userId);
}

/** Waits until the booking has left PENDING and returns it. */
export async function outcome(stack: Stack, userId: string, id: string, timeoutMs = 10_000): Promise<BookingResult> {
  return waitFor(
    async () => {
      const res = await gql<{ booking: BookingResult | null }>(stack.graphqlUrl, BOOKING, { id }, userId);
      const booking = res.data?.booking;
      return booking && booking.status !== 'PENDING' ? booking : undefined;
    },
    { timeoutMs, what: `booking ${id} to be decided` },
  );
}
