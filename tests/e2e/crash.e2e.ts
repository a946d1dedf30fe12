import { afterAll, beforeAll, expect, it } from 'vitest';
import { gql, startStack, waitFor, type Stack } from '@booking/testkit';

let stack: Stack;
beforeAll(async () => {
  // Small chunks so the burst spans many transactions and the kill lands mid-way.
  stack = await startStack('crash', { WORKER_BATCH_SIZE: '10' });
});
afterAll(async () => {
  await stack?.stop();
});

const MUTATION = /* GraphQL */ `mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }`;

it('decides every request exactly once when the worker is killed mid-burst', async () => {
  const seats = Array.from({ length: 200 }, (_, i) => `C_R${Math.floor(i / 50) + 1}_S${(i % 50) + 1}`);
  const burst = Array.from({ length: 600 }, (_, i) =>
    gql<{ requestBooking: { id: string } }>(stack.graphqlUrl, MUTATION, { input: { eventId: 'arena10k', seatIds: [seats[i % 200]] } }, `crash${i}`),
  );
  // Kill as soon as the worker has committed something, while requests are still arriving.
  await waitFor(async () => (await stack.pg.query('SELECT 1 FROM bookings LIMIT 1')).rowCount === 1, { timeoutMs: 30_000, intervalMs: 5, what: 'the first commit' });
  await stack.kill('worker', 'SIGKILL');
  const responses = await Promise.all(burst);
  expect(responses.filter((r) => !r.data?.requestBooking).map((r) => [r.status, r.errors])).toEqual([]);
  const { rows: before } = await stack.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM bookings');
  expect(before[0]!.n).toBeLessThan(600);

  await stack.start('worker');
  const ids = responses.map((r) => r.data!.requestBooking.id);
  expect(ids).toHaveLength(600);
  const counts = await waitFor(
    async () => {
      const { rows } = await stack.pg.query<{ status: string; n: number }>(
        'SELECT status::text, count(*)::int AS n FROM bookings WHERE id = ANY($1::uuid[]) GROUP BY status',
        [ids],
      );
      const c = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      return (c.CONFIRMED ?? 0) + (c.REJECTED ?? 0) === 600 ? c : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 250, what: 'every request to be decided after the restart' },
  );
  expect(counts).toEqual({ CONFIRMED: 200, REJECTED: 400 });
  const { rows: doubles } = await stack.pg.query(
    `SELECT seat FROM (SELECT unnest(seat_ids) AS seat FROM bookings WHERE status = 'CONFIRMED') s GROUP BY seat HAVING count(*) > 1`,
  );
  expect(doubles).toEqual([]);
  const { rows: booked } = await stack.pg.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM seats WHERE event_id = 'arena10k' AND seat_id = ANY($1::text[]) AND status = 'BOOKED'",
    [seats],
  );
  expect(booked[0]!.n).toBe(200);
});

it('finishes or hands back in-flight work when the worker gets SIGTERM', async () => {
  const seats = Array.from({ length: 100 }, (_, i) => `B_R${Math.floor(i / 50) + 10}_S${(i % 50) + 1}`);
  const responses = await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      gql<{ requestBooking: { id: string } }>(stack.graphqlUrl, MUTATION, { input: { eventId: 'arena10k', seatIds: [seats[i % 100]] } }, `term${i}`),
    ),
  );
  expect(responses.filter((r) => !r.data?.requestBooking).map((r) => [r.status, r.errors])).toEqual([]);
  const ids = responses.map((r) => r.data!.requestBooking.id);
  expect(await stack.kill('worker', 'SIGTERM')).toBe(0);
  await stack.start('worker');
  const counts = await waitFor(
    async () => {
      const { rows } = await stack.pg.query<{ status: string; n: number }>(
        'SELECT status::text, count(*)::int AS n FROM bookings WHERE id = ANY($1::uuid[]) GROUP BY status',
        [ids],
      );
      const c = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      return (c.CONFIRMED ?? 0) + (c.REJECTED ?? 0) === 300 ? c : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 250, what: 'every request to be decided after the graceful restart' },
  );
  expect(counts).toEqual({ CONFIRMED: 100, REJECTED: 200 });
});
