import { describe, expect, it } from 'vitest';
import { gql, waitFor, type TestCaller } from '@booking/testkit';
import { collect, type wsClients } from './ws.ts';
import type { Target } from './core-scenarios.ts';

/** An administrator: a token with the `admin` role. */
export const ADMIN: TestCaller = { userId: 'root', roles: ['admin'] };

const FIELDS = 'id status reason seatIds userId expiresAt createdAt';
const HOLD = `mutation($input: HoldSeatsInput!) { holdSeats(input: $input) { ${FIELDS} } }`;
const BOOK = `mutation($input: RequestBookingInput!) { requestBooking(input: $input) { ${FIELDS} } }`;
const CONFIRM = `mutation($id: ID!) { confirmBooking(id: $id) { ${FIELDS} } }`;
const EXTEND = `mutation($id: ID!, $ttl: Int) { extendHold(id: $id, ttlSeconds: $ttl) { ${FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelBooking(id: $id) { ${FIELDS} } }`;
const BOOKING = `query($id: ID!) { booking(id: $id) { ${FIELDS} } }`;
const MINE = `query($first: Int, $after: String) { myBookings(first: $first, after: $after) { id status cursor } }`;
const CREATE = `mutation($input: CreateEventInput!) { createEvent(input: $input) { id name venue startsAt onSale perUserLimit } }`;
const CREATE_ID = `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id name onSale } }`;
const SEATS = `query($id: ID!) { event(id: $id) { id name onSale perUserLimit seats { id status version } availability { total available held booked } } }`;

export interface Booking {
  id: string;
  status: string;
  reason: string | null;
  seatIds: string[];
  userId: string;
  expiresAt: string | null;
}
type SeatView = { id: string; status: string; version: number };
type EventView = { id: string; name: string; onSale: boolean; perUserLimit: number; seats: SeatView[]; availability: Record<string, number> };

/** Operations of the booking life cycle against one system, named callers only. */
export function lifecycleClient(target: () => Target) {
  const url = () => target().graphqlUrl;
  const one = async <K extends string>(field: K, query: string, variables: Record<string, unknown>, caller: TestCaller) => {
    const res = await gql<Record<K, Booking>>(url(), query, variables, caller);
    if (res.errors || !res.data) throw new Error(`${field} failed: ${res.status} ${JSON.stringify(res.errors)}`);
    return res.data[field];
  };
  const client = {
    hold: (caller: string, eventId: string, seatIds: string[], extra: { ttlSeconds?: number; idempotencyKey?: string } = {}) =>
      one('holdSeats', HOLD, { input: { eventId, seatIds, ...extra } }, caller),
    book: (caller: string, eventId: string, seatIds: string[]) => one('requestBooking', BOOK, { input: { eventId, seatIds } }, caller),
    confirm: (caller: string, id: string) => one('confirmBooking', CONFIRM, { id }, caller),
    extend: (caller: string, id: string, ttl?: number) => one('extendHold', EXTEND, { id, ttl }, caller),
    cancel: (caller: TestCaller, id: string) => one('cancelBooking', CANCEL, { id }, caller),
    raw: (query: string, variables: Record<string, unknown>, caller?: TestCaller) => gql(url(), query, variables, caller),
    /** Waits until the booking leaves PENDING (or `until` holds) and returns it. */
    settled: (caller: string, id: string, until: (b: Booking) => boolean = (b) => b.status !== 'PENDING', timeoutMs = 15_000) =>
      waitFor(
        async () => {
          const b = await one('booking', BOOKING, { id }, caller);
          return until(b) ? b : undefined;
        },
        { timeoutMs, what: `booking ${id} to settle` },
      ),
    event: async (id: string) => (await gql<{ event: EventView | null }>(url(), SEATS, { id })).data?.event ?? null,
    /** Waits until the read model shows every listed seat in its status. */
    seatsShow: (eventId: string, expected: Record<string, string>, timeoutMs = 10_000) =>
      waitFor(
        async () => {
          const event = await client.event(eventId);
          const seats = new Map(event?.seats.map((s) => [s.id, s]));
          return Object.entries(expected).every(([id, status]) => seats.get(id)?.status === status) ? seats : undefined;
        },
        { timeoutMs, what: `seats of ${eventId} to show ${JSON.stringify(expected)}` },
      ),
    /**
     * Creates an event as the administrator. `idOnly` selects nothing the
     * events subgraph must resolve, for when the read model may lag (behind a
     * large venue's seats).
     */
    async createEvent(input: Record<string, unknown>, idOnly = false) {
      const res = await gql<{ createEvent: { id: string; name: string } }>(url(), idOnly ? CREATE_ID : CREATE, { input: { venue: 'Test Hall', startsAt: '2027-03-01T20:00:00Z', ...input } }, ADMIN);
      if (res.errors || !res.data) throw new Error(`createEvent failed: ${res.status} ${JSON.stringify(res)}`);
      return res.data.createEvent;
    },
  };
  return client;
}

const labels = (n: number, prefix = 'S') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i + 1}`, section: 'Floor', row: '1' }));

/**
 * Holds, confirmation, expiry, cancellation, limits and event
 * administration: the behaviour every way of running the system shares.
 * Each scenario works on an event it creates, so none depends on another.
 */
export function lifecycleScenarios(mode: string, target: () => Target, ws: ReturnType<typeof wsClients>) {
  const api = lifecycleClient(target);
  const fresh = async (seats = 4, perUserLimit?: number) => {
    const event = await api.createEvent({ name: `Test ${Math.random().toString(36).slice(2, 8)}`, seats: labels(seats), perUserLimit });
    await waitFor(async () => (await api.event(event.id))?.seats.length === seats, { timeoutMs: 10_000, what: `event ${event.id} in the read model` });
    return event.id;
  };

  describe(`holds, expiry and cancellation (${mode})`, () => {
    it('holds seats with an expiry, shows them held (GraphQL and REST), and confirms the hold', async () => {
      const eventId = await fresh();
      const pending = await api.hold('hana', eventId, ['S1', 'S2'], { ttlSeconds: 300 });
      expect(pending).toMatchObject({ status: 'PENDING', seatIds: ['S1', 'S2'] });
      const held = await api.settled('hana', pending.id);
      expect(held.status).toBe('HELD');
      const expiresIn = Date.parse(held.expiresAt!) - Date.now();
      expect(expiresIn).toBeGreaterThan(250_000);
      expect(expiresIn).toBeLessThanOrEqual(300_000);
      await api.seatsShow(eventId, { S1: 'HELD', S2: 'HELD', S3: 'AVAILABLE' });
      const rest = (await (await fetch(`${target().url}/api/events/${eventId}`)).json()) as { seats: { seat_id: string; status: string }[] };
      expect(rest.seats.find((s) => s.seat_id === 'S1')?.status).toBe('held');

      const confirmed = await api.confirm('hana', pending.id);
      expect(confirmed).toMatchObject({ status: 'CONFIRMED', expiresAt: null });
      await api.seatsShow(eventId, { S1: 'BOOKED', S2: 'BOOKED' });
      const other = await api.book('ivan', eventId, ['S2']);
      expect(await api.settled('ivan', other.id)).toMatchObject({ status: 'REJECTED', reason: 'SEAT_UNAVAILABLE' });
    });

    it('releases an expired hold by itself within 5 s, pushes the release to a subscriber, and ends a late confirmation EXPIRED', async () => {
      const eventId = await fresh();
      const watcher = ws.connect(target().url, 'watcher');
      const seen = collect<{ seatStatusChanged: { seatId: string; status: string; version: number } }>(
        watcher,
        `subscription($eventId: ID!) { seatStatusChanged(eventId: $eventId) { seatId status version } }`,
        { eventId },
      );
      // The subscription is in place once a change of the event reaches it.
      await waitFor(
        async () => {
          const probe = await api.hold('probe', eventId, ['S4'], { ttlSeconds: 5 });
          await api.cancel('probe', probe.id);
          return seen.values.length > 0;
        },
        { timeoutMs: 20_000, intervalMs: 300, what: 'the subscription to deliver a change' },
      );

      const pending = await api.hold('jo', eventId, ['S1'], { ttlSeconds: 5 });
      const held = await api.settled('jo', pending.id);
      expect(held.status).toBe('HELD');
      const release = await waitFor(() => seen.values.find((v) => v.seatStatusChanged.seatId === 'S1' && v.seatStatusChanged.status === 'AVAILABLE'), {
        timeoutMs: 20_000,
        what: 'the release of S1 to reach the subscriber',
      });
      const releasedAt = seen.times[seen.values.indexOf(release)]!;
      expect(releasedAt - Date.parse(held.expiresAt!)).toBeLessThan(5_000);
      expect(seen.values.map((v) => v.seatStatusChanged).filter((c) => c.seatId === 'S1').map((c) => c.status)).toEqual(['HELD', 'AVAILABLE']);

      expect(await api.settled('jo', pending.id)).toMatchObject({ status: 'EXPIRED', reason: 'HOLD_EXPIRED' });
      expect(await api.confirm('jo', pending.id)).toMatchObject({ status: 'EXPIRED', reason: 'HOLD_EXPIRED' });
      const again = await api.book('kim', eventId, ['S1']);
      expect(await api.settled('kim', again.id)).toMatchObject({ status: 'CONFIRMED' });
    });

    it('extends a live hold so it outlives its first expiry', async () => {
      const eventId = await fresh();
      const pending = await api.hold('lea', eventId, ['S1'], { ttlSeconds: 5 });
      const held = await api.settled('lea', pending.id);
      const extended = await api.extend('lea', pending.id, 120);
      expect(extended.status).toBe('HELD');
      expect(Date.parse(extended.expiresAt!)).toBeGreaterThan(Date.parse(held.expiresAt!) + 100_000);
      const tooLong = await api.raw(EXTEND, { id: pending.id, ttl: 100_000 }, 'lea');
      expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ttlSeconds' });
      // Past the first expiry and a sweep or two: still held.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(held.expiresAt!) - Date.now()) + 2_500));
      expect(await api.settled('lea', pending.id)).toMatchObject({ status: 'HELD' });
      expect((await api.event(eventId))?.seats.find((s) => s.id === 'S1')?.status).toBe('HELD');
    });

    it('cancels for the owner or an admin only, and cancelled seats can be booked again', async () => {
      const eventId = await fresh();
      const hold = await api.hold('max', eventId, ['S1']);
      await api.settled('max', hold.id);
      const refused = await api.raw(CANCEL, { id: hold.id }, 'nosy');
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await api.cancel('max', hold.id)).toMatchObject({ status: 'CANCELLED' });
      await api.seatsShow(eventId, { S1: 'AVAILABLE' });

      const booking = await api.book('ned', eventId, ['S1', 'S2']);
      expect(await api.settled('ned', booking.id)).toMatchObject({ status: 'CONFIRMED' });
      expect((await api.raw(CANCEL, { id: booking.id }, 'max')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await api.cancel(ADMIN, booking.id)).toMatchObject({ status: 'CANCELLED' });
      await api.seatsShow(eventId, { S1: 'AVAILABLE', S2: 'AVAILABLE' });
      const again = await api.book('oli', eventId, ['S1', 'S2']);
      expect(await api.settled('oli', again.id)).toMatchObject({ status: 'CONFIRMED' });
    });

    it('lists my bookings newest first, a page at a time', async () => {
      const eventId = await fresh();
      const ids: string[] = [];
      for (const seat of ['S1', 'S2', 'S3']) {
        const b = await api.book('pia', eventId, [seat]);
        await api.settled('pia', b.id);
        ids.push(b.id);
      }
      const first = await api.raw(MINE, { first: 2 }, 'pia');
      const page1 = (first.data as { myBookings: { id: string; cursor: string }[] }).myBookings;
      expect(page1.map((b) => b.id)).toEqual([ids[2], ids[1]]);
      const next = await api.raw(MINE, { first: 2, after: page1[1]!.cursor }, 'pia');
      expect((next.data as { myBookings: { id: string }[] }).myBookings.map((b) => b.id)).toEqual([ids[0]]);
      expect((await api.raw(MINE, { first: 1000 }, 'pia')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect((await api.raw(MINE, {}, 'nobody')).data).toEqual({ myBookings: [] });
    });

    it('lists a request from the moment it is accepted, once, and decided once it is', async () => {
      const eventId = await fresh();
      const mine = async () => (await api.raw(MINE, { first: 10 }, 'uma')).data as { myBookings: { id: string; status: string }[] };
      const older = await api.book('uma', eventId, ['S1']);
      await api.settled('uma', older.id);
      const b = await api.book('uma', eventId, ['S2']);
      // Asked right away: the worker has usually not decided it yet.
      expect((await mine()).myBookings.map((x) => x.id)).toEqual([b.id, older.id]);
      await api.settled('uma', b.id);
      expect((await mine()).myBookings).toEqual([
        { id: b.id, status: 'CONFIRMED', cursor: expect.any(String) },
        { id: older.id, status: 'CONFIRMED', cursor: expect.any(String) },
      ]);
    });
  });

  describe(`per-user limit and idempotency (${mode})`, () => {
    const burst = (eventId: string, userId: string, mixed: boolean) =>
      Promise.all(Array.from({ length: 20 }, (_, i) => (mixed && i % 2 ? api.book(userId, eventId, [`S${i + 1}`]) : api.hold(userId, eventId, [`S${i + 1}`]))));

    it.each([
      ['holds', false],
      ['holds and bookings mixed', true],
    ])('lets one user take 6 seats of 20 concurrent single-seat requests (%s), the rest LIMIT_EXCEEDED', async (_name, mixed) => {
      const eventId = await fresh(20, 6);
      const accepted = await burst(eventId, 'quinn', mixed);
      const outcomes = await Promise.all(accepted.map((b) => api.settled('quinn', b.id)));
      const counts = outcomes.reduce<Record<string, number>>((n, b) => ({ ...n, [b.reason ?? b.status]: (n[b.reason ?? b.status] ?? 0) + 1 }), {});
      expect((counts.HELD ?? 0) + (counts.CONFIRMED ?? 0)).toBe(6);
      expect(counts.LIMIT_EXCEEDED).toBe(14);
      await waitFor(async () => (await api.event(eventId))?.availability.available === 14, { what: '14 seats left available' });
    });

    it('turns 50 concurrent retries with one idempotency key into one booking, and refuses the key for another payload', async () => {
      const eventId = await fresh();
      const tries = await Promise.all(Array.from({ length: 50 }, () => api.hold('rex', eventId, ['S1'], { idempotencyKey: 'rex-cart-1' })));
      expect(new Set(tries.map((t) => t.id)).size).toBe(1);
      expect(await api.settled('rex', tries[0]!.id)).toMatchObject({ status: 'HELD' });
      const mine = await api.raw(MINE, { first: 100 }, 'rex');
      expect((mine.data as { myBookings: unknown[] }).myBookings).toHaveLength(1);
      const reused = await api.raw(HOLD, { input: { eventId, seatIds: ['S2'], idempotencyKey: 'rex-cart-1' } }, 'rex');
      expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
      expect(reused.errors?.[0]?.message).toMatch(/idempotencyKey was already used/);
    });
  });

  describe(`event administration (${mode})`, () => {
    it('creates an event from sections and explicit labels that every read path serves within 1 s', async () => {
      const created = await api.createEvent({
        name: 'Late Show',
        sections: [{ name: 'Stalls', rows: 3, seatsPerRow: 4 }],
        seats: [{ id: 'BOX1', section: 'Box', row: 'B' }],
        perUserLimit: 2,
      });
      expect(created).toMatchObject({ name: 'Late Show', venue: 'Test Hall', startsAt: '2027-03-01T20:00:00.000Z', onSale: true, perUserLimit: 2 });
      await waitFor(
        async () => {
          const event = await api.event(created.id);
          const listed = (await gql<{ events: { id: string }[] }>(target().graphqlUrl, '{ events { id } }')).data?.events.some((e) => e.id === created.id);
          const rest = await fetch(`${target().url}/api/events/${created.id}`);
          return event?.seats.length === 13 && listed && rest.ok;
        },
        // From the answer of createEvent, whose transaction has committed the event and its outbox row.
        { timeoutMs: 1_000, intervalMs: 20, what: 'the new event on every read path within 1 s' },
      );
      const event = (await api.event(created.id))!;
      expect(event.seats.slice(0, 2).map((s) => s.id)).toEqual(['Stalls_R1_S1', 'Stalls_R1_S2']);
      expect(event.seats.at(-1)).toMatchObject({ id: 'BOX1', status: 'AVAILABLE', version: 1 });
    });

    it('refuses createEvent to a user who is not an admin, and bad layouts, writing nothing', async () => {
      const before = (await gql<{ events: { id: string }[] }>(target().graphqlUrl, '{ events { id } }')).data!.events.length;
      const input = { name: 'Nope', venue: 'Hall', startsAt: '2027-03-01T20:00:00Z', seats: labels(2) };
      expect((await api.raw(CREATE, { input }, 'mallory')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await api.raw(CREATE, { input })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      for (const bad of [
        { seats: [...labels(2), { id: 'S1', section: 'Floor', row: '2' }] },
        { seats: [] },
        { sections: [{ name: 'Huge', rows: 1000, seatsPerRow: 1000 }] },
        { startsAt: '2027-03-01 20:00' },
      ]) {
        const res = await api.raw(CREATE, { input: { ...input, ...bad } }, ADMIN);
        expect(res.errors?.[0]?.extensions?.code, JSON.stringify(bad)).toBe('BAD_USER_INPUT');
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await gql<{ events: { id: string }[] }>(target().graphqlUrl, '{ events { id } }')).data!.events.length).toBe(before);
    });

    it('changes an event and takes it off sale: later requests are refused', async () => {
      const eventId = await fresh(2, 3);
      const renamed = await api.raw(UPDATE, { id: eventId, input: { name: 'Renamed', onSale: false } }, ADMIN);
      // The answer is the read model's view, which the change reaches a moment later.
      expect(renamed.data).toMatchObject({ updateEvent: { id: eventId } });
      await waitFor(async () => (await api.event(eventId))?.onSale === false, { timeoutMs: 5_000, what: 'the change in the read model' });
      expect((await api.event(eventId))?.name).toBe('Renamed');
      const refused = await api.raw(HOLD, { input: { eventId, seatIds: ['S1'] } }, 'sam');
      expect(refused.errors?.[0]?.extensions?.code).toBe('EVENT_OFF_SALE');
      expect((await api.raw(UPDATE, { id: eventId, input: { onSale: true } }, 'sam')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });
}
