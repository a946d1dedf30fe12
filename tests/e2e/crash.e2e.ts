import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '@booking/testkit';
import { allDecided, burst } from './helpers.ts';

let stack: Stack;
beforeAll(async () => {
  // Small chunks so a burst spans many transactions and a kill lands mid-way.
  stack = await startStack('crash', { WORKER_BATCH_SIZE: '10' });
});
afterAll(async () => {
  await stack?.stop();
});

const seatsOf = (section: string, firstRow: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${section}_R${firstRow + Math.floor(i / 50)}_S${(i % 50) + 1}`);

async function doubleBooked(): Promise<unknown[]> {
  const { rows } = await stack.pg.query(
    `SELECT seat FROM (SELECT event_id, unnest(seat_ids) AS seat FROM bookings WHERE status = 'CONFIRMED') s GROUP BY event_id, seat HAVING count(*) > 1`,
  );
  return rows;
}

it('decides every request exactly once when the worker is killed mid-burst', async () => {
  const seats = seatsOf('C', 1, 200);
  const accepted = burst(stack, 'arena10k', seats, 600, 'crash');
  // Kill as soon as the worker has committed something, while requests are still arriving.
  await waitFor(async () => (await stack.pg.query('SELECT 1 FROM bookings LIMIT 1')).rowCount === 1, { timeoutMs: 30_000, intervalMs: 5, what: 'the first commit' });
  await stack.kill('worker', 'SIGKILL');
  const ids = await accepted;
  const { rows: before } = await stack.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM bookings');
  expect(before[0]!.n).toBeLessThan(600);

  await stack.start('worker');
  expect(await allDecided(stack, ids, 90_000)).toEqual({ CONFIRMED: 200, REJECTED: 400 });
  expect(await doubleBooked()).toEqual([]);
  const { rows: booked } = await stack.pg.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM seats WHERE event_id = 'arena10k' AND seat_id = ANY($1::text[]) AND status = 'BOOKED'",
    [seats],
  );
  expect(booked[0]!.n).toBe(200);
});

it('finishes or hands back in-flight work when the worker gets SIGTERM', async () => {
  const ids = await burst(stack, 'arena10k', seatsOf('B', 10, 100), 300, 'term');
  expect(await stack.kill('worker', 'SIGTERM')).toBe(0);
  await stack.start('worker');
  expect(await allDecided(stack, ids, 90_000)).toEqual({ CONFIRMED: 100, REJECTED: 200 });
  expect(await doubleBooked()).toEqual([]);
});
