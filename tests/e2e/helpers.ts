import { gql, waitFor, type Stack } from '@booking/testkit';

export const BOOK = /* GraphQL */ `
  mutation Book($input: RequestBookingInput!) {
    requestBooking(input: $input) { id status reason seatIds userId createdAt }
  }`;

export const BOOKING = /* GraphQL */ `
  query Booking($id: ID!) { booking(id: $id) { id status reason seatIds userId event { id name } } }`;

export type BookingResult = { id: string; status: string; reason: string | null; seatIds: string[]; userId: string; event?: { id: string; name: string } };

export async function requestBooking(stack: Pick<Stack, 'graphqlUrl'>, userId: string, eventId: string, seatIds: string[], idempotencyKey?: string) {
  return gql<{ requestBooking: BookingResult }>(stack.graphqlUrl, BOOK, { input: { eventId, seatIds, idempotencyKey } }, userId);
}

/** Waits until the booking has left PENDING and returns it. */
export async function outcome(stack: Pick<Stack, 'graphqlUrl'>, userId: string, id: string, timeoutMs = 10_000): Promise<BookingResult> {
  return waitFor(
    async () => {
      const res = await gql<{ booking: BookingResult | null }>(stack.graphqlUrl, BOOKING, { id }, userId);
      const booking = res.data?.booking;
      return booking && booking.status !== 'PENDING' ? booking : undefined;
    },
    { timeoutMs, what: `booking ${id} to be decided` },
  );
}

/** Waits until every booking id has a terminal row and returns the counts by status. */
export async function allDecided(stack: Stack, ids: string[], timeoutMs = 60_000): Promise<Record<string, number>> {
  return waitFor(
    async () => {
      const { rows } = await stack.pg.query<{ status: string; n: number }>(
        'SELECT status::text, count(*)::int AS n FROM bookings WHERE id = ANY($1::uuid[]) GROUP BY status',
        [ids],
      );
      const counts = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      return (counts.CONFIRMED ?? 0) + (counts.REJECTED ?? 0) === ids.length ? counts : undefined;
    },
    { timeoutMs, intervalMs: 250, what: `all ${ids.length} bookings to be decided` },
  );
}

export const REQUEST = /* GraphQL */ `mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }`;

/** Sends one single-seat request per user at once and returns the booking ids; every one must be accepted. */
export function burst(stack: Stack, eventId: string, seats: string[], users: number, userPrefix: string): Promise<string[]> {
  return Promise.all(
    Array.from({ length: users }, (_, i) =>
      gql<{ requestBooking: { id: string; status: string } }>(stack.graphqlUrl, REQUEST, { input: { eventId, seatIds: [seats[i % seats.length]] } }, `${userPrefix}${i}`).then((r) => {
        if (r.data?.requestBooking.status !== 'PENDING') throw new Error(`request ${i} not accepted: ${r.status} ${JSON.stringify(r.errors)}`);
        return r.data.requestBooking.id;
      }),
    ),
  );
}
