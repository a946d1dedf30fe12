import { afterAll, beforeAll, expect, it } from 'vitest';
import { gql, startStack, waitFor, type Stack } from '@booking/testkit';
import { createMongoReadStore } from '../../subgraphs/events/src/mongo-store.ts';
import { allDecided, burst } from './helpers.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('contention');
});
afterAll(async () => {
  await stack?.stop();
});

const SEATS = Array.from({ length: 100 }, (_, i) => `D_R${Math.floor(i / 50) + 1}_S${(i % 50) + 1}`);

it('sells each of 100 seats exactly once to 1,000 concurrent users', async () => {
  const ids = await burst(stack, 'arena10k', SEATS, 1000, 'fan');
  expect(new Set(ids).size).toBe(1000);
  // Every accepted request reaches a terminal state.
  expect(await allDecided(stack, ids)).toEqual({ CONFIRMED: 100, REJECTED: 900 });

  const { rows: reasons } = await stack.pg.query("SELECT DISTINCT reason FROM bookings WHERE status = 'REJECTED'");
  expect(reasons).toEqual([{ reason: 'SEAT_UNAVAILABLE' }]);

  // No seat with two bookings, and every booked seat points at its one confirmed booking.
  const { rows: doubles } = await stack.pg.query(
    `SELECT seat FROM (SELECT unnest(seat_ids) AS seat FROM bookings WHERE event_id = 'arena10k' AND status = 'CONFIRMED') s GROUP BY seat HAVING count(*) > 1`,
  );
  expect(doubles).toEqual([]);
  const { rows: mismatched } = await stack.pg.query(
    `SELECT s.seat_id FROM seats s
     LEFT JOIN booking_seats bs ON bs.event_id = s.event_id AND bs.seat_id = s.seat_id
     LEFT JOIN bookings b ON b.id = s.booking_id
     WHERE s.event_id = 'arena10k' AND s.seat_id = ANY($1::text[])
       AND (s.status <> 'BOOKED' OR bs.booking_id IS DISTINCT FROM s.booking_id OR b.status <> 'CONFIRMED')`,
    [SEATS],
  );
  expect(mismatched).toEqual([]);

  // The read model converges on PostgreSQL.
  const truth = async () =>
    (await stack.pg.query<{ seat_id: string; status: string; version: number }>("SELECT seat_id, status::text, version FROM seats WHERE event_id = 'arena10k' ORDER BY position")).rows;
  const expected = (await truth()).map((s) => `${s.seat_id}:${s.status}:${s.version}`);
  await waitFor(
    async () => {
      const actual = (await createMongoReadStore(stack.mongo).seats('arena10k')).map((d) => `${d.seatId}:${d.status}:${d.version}`);
      return actual.length === expected.length && actual.every((a, i) => a === expected[i]);
    },
    { timeoutMs: 10_000, intervalMs: 200, what: 'the read model to equal PostgreSQL' },
  );
  const availability = await gql<{ event: { availability: { booked: number; available: number; total: number } } }>(
    stack.graphqlUrl,
    '{ event(id: "arena10k") { availability { total available booked } } }',
  );
  expect(availability.data?.event.availability).toEqual({ total: 10_000, available: 9_900, booked: 100 });
});
