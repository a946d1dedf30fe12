import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, startStack, waitFor, type Role, type Stack } from '@booking/testkit';
import { ADMIN, lifecycleClient, lifecycleScenarios, type Booking } from './lifecycle-scenarios.ts';
import { wsClients } from './ws.ts';

let stack: Stack;
const ws = wsClients();
beforeAll(async () => {
  stack = await startStack('lifecycle');
}, 180_000);
afterAll(async () => {
  await ws.dispose();
  await stack?.stop();
});

lifecycleScenarios('stack mode', () => stack, ws);

const api = lifecycleClient(() => stack);
const ROLES: Role[] = ['gateway', 'bookings', 'events', 'worker', 'relay', 'projector'];

describe('holds and events on the real services (stack mode)', () => {
  it('releases a hold that expired while every app process was down within 5 s of their start', async () => {
    const event = await api.createEvent({ name: 'Restart', seats: [{ id: 'R1', section: 'A', row: '1' }] });
    await waitFor(async () => (await api.event(event.id))?.seats.length === 1, { what: 'the event in the read model' });
    const hold = await api.hold('ursula', event.id, ['R1'], { ttlSeconds: 5 });
    const held = await api.settled('ursula', hold.id);
    expect(held.status).toBe('HELD');

    for (const role of ROLES) await stack.kill(role);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(held.expiresAt!) - Date.now()) + 1_000));
    const { rows: still } = await stack.pg.query<{ status: string }>(`SELECT status::text FROM seats WHERE event_id = $1`, [event.id]);
    expect(still[0]?.status).toBe('HELD'); // nothing ran meanwhile

    for (const role of ['bookings', 'events', 'relay', 'projector', 'gateway'] as Role[]) await stack.start(role);
    // The worker decides expiry and sweeps first thing at its start.
    await stack.start('worker');
    const up = Date.now();
    const releasedAt = await waitFor(
      async () => {
        const { rows } = await stack.pg.query<{ status: string }>(`SELECT s.status::text FROM seats s WHERE s.event_id = $1`, [event.id]);
        return rows[0]?.status === 'AVAILABLE' ? Date.now() : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'the expired hold to be released' },
    );
    // Counted from the worker being up: starting a Node process with tsx alone took 5-20 s on the loaded 2-core machine.
    expect(releasedAt - up).toBeLessThan(5_000);
    expect(await api.settled('ursula', hold.id)).toMatchObject({ status: 'EXPIRED', reason: 'HOLD_EXPIRED' });
    await api.seatsShow(event.id, { R1: 'AVAILABLE' });
  });

  it('keeps every seat in one consistent state through mixed holds, confirmations, expiries, cancellations and bookings', async () => {
    const seatIds = Array.from({ length: 8 }, (_, i) => `C${i + 1}`);
    const event = await api.createEvent({ name: 'Contention', seats: seatIds.map((id) => ({ id, section: 'C', row: '1' })), perUserLimit: 4 });
    await waitFor(async () => (await api.event(event.id))?.seats.length === seatIds.length, { timeoutMs: 60_000, what: 'the event in the read model' });
    const users = Array.from({ length: 6 }, (_, i) => `cont${i}`);
    const pick = () => seatIds.filter(() => Math.random() < 0.25).slice(0, 2);

    const actor = async (userId: string) => {
      const mine: Booking[] = [];
      for (let round = 0; round < 12; round++) {
        const seats = pick();
        const r = Math.random();
        if (seats.length > 0 && r < 0.35) mine.push(await api.hold(userId, event.id, seats, { ttlSeconds: 5 }));
        else if (seats.length > 0 && r < 0.55) mine.push(await api.book(userId, event.id, seats));
        else if (mine.length > 0) {
          const target = mine[Math.floor(Math.random() * mine.length)]!;
          if (r < 0.8) await api.confirm(userId, target.id);
          else await api.cancel(userId, target.id);
        }
      }
      return mine;
    };
    const all = (await Promise.all(users.map(actor))).flat();
    // Every hold that was not confirmed or cancelled expires; then nothing moves any more.
    await waitFor(
      async () => {
        const { rows } = await stack.pg.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM bookings WHERE event_id = $1 AND status = 'HELD'`,
          [event.id],
        );
        const { rows: decided } = await stack.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM bookings WHERE id = ANY($1::uuid[])', [all.map((b) => b.id)]);
        return rows[0]!.n === 0 && decided[0]!.n === all.length;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'every booking decided and every hold over' },
    );

    const { rows: twice } = await stack.pg.query(
      `SELECT seat, count(*) FROM bookings, unnest(seat_ids) AS seat WHERE event_id = $1 AND status IN ('HELD', 'CONFIRMED') GROUP BY seat HAVING count(*) > 1`,
      [event.id],
    );
    expect(twice).toEqual([]);
    const { rows: seats } = await stack.pg.query<{ seat_id: string; status: string; version: number; booking_id: string | null; owner: string | null; owner_status: string | null; link: string | null }>(
      `SELECT s.seat_id, s.status::text, s.version, s.booking_id::text, b.id::text AS owner, b.status::text AS owner_status, bs.booking_id::text AS link
       FROM seats s
       LEFT JOIN bookings b ON b.event_id = s.event_id AND b.status IN ('HELD', 'CONFIRMED') AND s.seat_id = ANY(b.seat_ids)
       LEFT JOIN booking_seats bs ON bs.event_id = s.event_id AND bs.seat_id = s.seat_id
       WHERE s.event_id = $1 ORDER BY s.seat_id`,
      [event.id],
    );
    for (const s of seats) {
      if (s.status === 'AVAILABLE') expect(s, s.seat_id).toMatchObject({ booking_id: null, owner: null, link: null });
      else expect(s, s.seat_id).toMatchObject({ status: 'BOOKED', booking_id: s.owner, owner_status: 'CONFIRMED', link: s.owner });
    }
    const truth = Object.fromEntries(seats.map((s) => [s.seat_id, `${s.status}@${s.version}`]));
    await waitFor(
      async () => {
        const view = await api.event(event.id);
        const seen = Object.fromEntries((view?.seats ?? []).map((s) => [s.id, `${s.status}@${s.version}`]));
        return JSON.stringify(seen) === JSON.stringify(truth);
      },
      { timeoutMs: 10_000, what: `the read model to equal PostgreSQL (${JSON.stringify(truth)})` },
    );
  }, 180_000);
  it('creates a 50,000-seat venue, and bad layouts write nothing to PostgreSQL', async () => {
    const count = async () => (await stack.pg.query<{ events: number; seats: number }>('SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM seats)::int AS seats')).rows[0]!;
    const before = await count();
    const bad = await api.raw(
      'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
      { input: { name: 'Dupes', venue: 'Hall', startsAt: '2027-03-01T20:00:00Z', sections: [{ name: 'A', rows: 2, seatsPerRow: 2 }], seats: [{ id: 'A_R1_S1', section: 'X', row: '1' }] } },
      ADMIN,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count()).toEqual(before);

    const created = await api.createEvent({ name: 'Stadium', sections: [{ name: 'North', rows: 100, seatsPerRow: 250 }, { name: 'South', rows: 100, seatsPerRow: 250 }] }, true);
    const { rows } = await stack.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM seats WHERE event_id = $1', [created.id]);
    expect(rows[0]!.n).toBe(50_000);
    const availability = await waitFor(
      async () => {
        const res = await gql<{ event: { availability: { total: number; available: number } } | null }>(stack.graphqlUrl, 'query($id: ID!) { event(id: $id) { availability { total available } } }', { id: created.id });
        const a = res.data?.event?.availability;
        return a?.total === 50_000 ? a : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 1_000, what: 'all 50,000 seats in the read model' },
    );
    expect(availability.available).toBe(50_000);
    const hold = await api.hold('vera', created.id, ['South_R100_S250']);
    expect(await api.settled('vera', hold.id)).toMatchObject({ status: 'HELD' });
  }, 300_000);
});
