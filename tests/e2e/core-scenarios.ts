import { describe, expect, it } from 'vitest';
import { gql, waitFor } from '@booking/testkit';
import { outcome, requestBooking } from './helpers.ts';
import { collect, probes, subscribed, type wsClients } from './ws.ts';

/** What a scenario needs of the system under test: its public address. */
export interface Target {
  /** Pages and REST (NGINX in stack mode, the gateway in embedded mode). */
  url: string;
  graphqlUrl: string;
}

const EVENT_SEATS = /* GraphQL */ `
  query Event($id: ID!) { event(id: $id) { id name availability { total available booked } seats { id status version } } }`;

const SEAT_MAP = /* GraphQL */ `
  query SeatMap($id: ID!, $section: String) { event(id: $id) { seatMap(section: $section) { version sections { name rows { name seatIds statuses versions } } } } }`;
type SeatMapResult = { event: { seatMap: { version: number; sections: { rows: { seatIds: string[]; statuses: string; versions: number[] }[] }[] } } };
const expand = (map: SeatMapResult['event']['seatMap']) =>
  map.sections.flatMap((s) => s.rows.flatMap((r) => r.seatIds.map((id, i) => ({ id, status: r.statuses[i], version: r.versions[i] }))));

const SEAT_CHANGES = /* GraphQL */ `
  subscription($eventId: ID!) {
    seatStatusChanged(eventId: $eventId) { eventId seatId status version event { id name } }
  }`;

/**
 * The scenarios every way of running the system must pass: booking, the
 * rejection of a second booking of a seat, fields across subgraphs, live
 * seat changes and the original REST routes. `target()` is read when a test
 * runs, after the file's beforeAll started the system.
 */
export function coreScenarios(mode: string, target: () => Target, ws: ReturnType<typeof wsClients>) {
  describe(`core scenarios (${mode})`, () => {
    // Every scenario works on the system under test, whatever runs it.
    const stack = {
      get url() {
        return target().url;
      },
      get graphqlUrl() {
        return target().graphqlUrl;
      },
    };

    it('lists the seeded events', async () => {
      const res = await gql<{ events: { id: string; name: string }[] }>(stack.graphqlUrl, '{ events { id name venue startsAt } }');
      expect(res.status).toBe(200);
      expect(res.data?.events.map((e) => e.id).sort()).toEqual(['arena10k', 'concert123', 'sports_event456']);
    });

    it('confirms a booking, shows the seat booked, and rejects the second booking of it', async () => {
      const first = await requestBooking(stack, 'alice', 'concert123', ['A1']);
      expect(first.errors).toBeUndefined();
      expect(first.data?.requestBooking).toMatchObject({ status: 'PENDING', seatIds: ['A1'], userId: 'alice' });
      const confirmed = await outcome(stack, 'alice', first.data!.requestBooking.id);
      expect(confirmed).toMatchObject({ status: 'CONFIRMED', reason: null, event: { id: 'concert123', name: 'Summer Concert' } });

      const seat = await waitFor(
        async () => {
          const res = await gql<{ event: { seats: { id: string; status: string; version: number }[] } }>(stack.graphqlUrl, EVENT_SEATS, { id: 'concert123' });
          const a1 = res.data?.event.seats.find((s) => s.id === 'A1');
          return a1?.status === 'BOOKED' ? a1 : undefined;
        },
        { timeoutMs: 1_000, what: 'A1 to show BOOKED in the read model' },
      );
      expect(seat.version).toBe(2);

      const second = await requestBooking(stack, 'bob', 'concert123', ['A1']);
      expect(second.data?.requestBooking.status).toBe('PENDING');
      expect(await outcome(stack, 'bob', second.data!.requestBooking.id)).toMatchObject({ status: 'REJECTED', reason: 'SEAT_UNAVAILABLE' });
    });

    it('shows a confirmed booking in REST and in the compact seat map within 1 s, and the seat map says what `seats` says', async () => {
      const booked = await requestBooking(stack, 'olga', 'arena10k', ['C_R3_S4']);
      expect(await outcome(stack, 'olga', booked.data!.requestBooking.id)).toMatchObject({ status: 'CONFIRMED' });
      await waitFor(
        async () => {
          const [rest, map] = await Promise.all([
            fetch(`${stack.url}/api/events/arena10k`).then((r) => r.json() as Promise<{ seats: { seat_id: string; status: string }[] }>),
            gql<SeatMapResult>(stack.graphqlUrl, SEAT_MAP, { id: 'arena10k', section: 'C' }),
          ]);
          const seat = expand(map.data!.event.seatMap).find((s) => s.id === 'C_R3_S4');
          return rest.seats.find((s) => s.seat_id === 'C_R3_S4')?.status === 'booked' && seat?.status === 'B' && seat.version === 2;
        },
        { timeoutMs: 1_000, what: 'C_R3_S4 to show booked over REST and in the seat map' },
      );
      const [all, seats] = await Promise.all([
        gql<SeatMapResult>(stack.graphqlUrl, SEAT_MAP, { id: 'arena10k' }),
        gql<{ event: { seats: { id: string; status: string; version: number }[] } }>(stack.graphqlUrl, EVENT_SEATS, { id: 'arena10k' }),
      ]);
      const letter: Record<string, string> = { AVAILABLE: 'A', HELD: 'H', BOOKED: 'B' };
      expect(expand(all.data!.event.seatMap)).toEqual(seats.data!.event.seats.map((s) => ({ id: s.id, status: letter[s.status], version: s.version })));
      expect(all.data!.event.seatMap.version).toBe(seats.data!.event.seats.reduce((n, s) => n + s.version, 0));
    });

    it('serves a seat map read by many anonymous clients fresh: a booking within 1 s, versions never backwards', async () => {
      // Anonymous identical queries share answers for a moment (gateway read cache): keep it hot while the booking lands.
      const read = async () => {
        const map = (await gql<SeatMapResult>(stack.graphqlUrl, SEAT_MAP, { id: 'arena10k', section: 'D' })).data!.event.seatMap;
        return { version: map.version, seat: expand(map).find((s) => s.id === 'D_R4_S5')! };
      };
      // Each client's answers in the order it got them (one request at a time), and the latest of all.
      const clients: Awaited<ReturnType<typeof read>>[][] = [[], [], [], []];
      const seen = { count: 0, latest: undefined as Awaited<ReturnType<typeof read>> | undefined };
      let polling = true;
      const pollers = clients.map(async (answers) => {
        while (polling) {
          const answer = await read();
          answers.push(answer);
          seen.count++;
          seen.latest = answer;
        }
      });
      try {
        await waitFor(() => seen.count >= 20, { timeoutMs: 5_000, what: 'the seat map to be read' });
        const booked = await requestBooking(stack, 'pavel', 'arena10k', ['D_R4_S5']);
        expect(await outcome(stack, 'pavel', booked.data!.requestBooking.id)).toMatchObject({ status: 'CONFIRMED' });
        const confirmed = Date.now();
        await waitFor(() => seen.latest?.seat.status === 'B', { timeoutMs: 5_000, intervalMs: 10, what: 'D_R4_S5 booked in the seat map' });
        expect(Date.now() - confirmed).toBeLessThan(1_000);
      } finally {
        polling = false;
        await Promise.all(pollers);
      }
      // No client ever saw the event's version or the seat's go back.
      for (const answers of clients) {
        for (let i = 1; i < answers.length; i++) {
          expect(answers[i]!.version).toBeGreaterThanOrEqual(answers[i - 1]!.version);
          expect(answers[i]!.seat.version).toBeGreaterThanOrEqual(answers[i - 1]!.seat.version!);
        }
      }
      expect(seen.latest!.seat).toEqual({ id: 'D_R4_S5', status: 'B', version: 2 });
    });

    it('books several seats all-or-nothing', async () => {
      const taken = await requestBooking(stack, 'carol', 'sports_event456', ['R10_S5']);
      await outcome(stack, 'carol', taken.data!.requestBooking.id);
      const both = await requestBooking(stack, 'dave', 'sports_event456', ['R10_S6', 'R10_S5']);
      expect(await outcome(stack, 'dave', both.data!.requestBooking.id)).toMatchObject({ status: 'REJECTED', reason: 'SEAT_UNAVAILABLE' });
      const seats = await gql<{ event: { seats: { id: string; status: string }[] } }>(stack.graphqlUrl, EVENT_SEATS, { id: 'sports_event456' });
      expect(seats.data?.event.seats.find((s) => s.id === 'R10_S6')?.status).toBe('AVAILABLE');
    });

    it('returns the same booking for a repeated idempotency key', async () => {
      const a = await requestBooking(stack, 'erin', 'arena10k', ['A_R1_S1'], 'erin-key-1');
      const b = await requestBooking(stack, 'erin', 'arena10k', ['A_R1_S1'], 'erin-key-1');
      expect(b.data?.requestBooking.id).toBe(a.data?.requestBooking.id);
      expect(await outcome(stack, 'erin', a.data!.requestBooking.id)).toMatchObject({ status: 'CONFIRMED' });
      const again = await requestBooking(stack, 'erin', 'arena10k', ['A_R1_S1'], 'erin-key-1');
      expect(again.data?.requestBooking).toMatchObject({ id: a.data!.requestBooking.id, status: 'CONFIRMED' });
      const reused = await requestBooking(stack, 'erin', 'arena10k', ['A_R1_S2'], 'erin-key-1');
      expect(reused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });


    it('delivers a seat change with a field of the other subgraph to a subscriber within 1 s', async () => {
      const watcher = ws.connect(stack.url, 'watcher');
      const seen = collect<{ seatStatusChanged: { seatId: string; status: string; version: number; event: { id: string; name: string } } }>(
        watcher,
        SEAT_CHANGES,
        { eventId: 'arena10k' },
      );
      await subscribed(stack, [seen], 'arena10k', probes(45));
      // One more change, to warm query plans, caches and connections along the timed path.
      await subscribed(stack, [seen], 'arena10k', probes(46));
      const started = Date.now();
      const booked = await requestBooking(stack, 'frank', 'arena10k', ['B_R7_S7']);
      expect(booked.data?.requestBooking.status).toBe('PENDING');
      const change = await waitFor(() => seen.values.find((v) => v.seatStatusChanged.seatId === 'B_R7_S7'), { timeoutMs: 5_000, what: 'the seat change' });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(change.seatStatusChanged).toMatchObject({ seatId: 'B_R7_S7', status: 'BOOKED', version: 2, event: { id: 'arena10k', name: 'Arena Tour' } });
    });

    describe('the original REST API', () => {
      it('lists events without seats', async () => {
        const res = await fetch(`${stack.url}/api/events`);
        expect(res.status).toBe(200);
        const events = (await res.json()) as Record<string, unknown>[];
        expect(events.find((e) => e.event_id === 'concert123')).toEqual({
          _id: 'concert123',
          event_id: 'concert123',
          name: 'Summer Concert',
          venue: 'City Hall',
          date: '2027-07-01T19:00:00.000Z',
          starts_at: '2027-07-01T19:00:00.000Z',
        });
      });

      it('shows one event with its seats, and 404 for an unknown one', async () => {
        const res = await fetch(`${stack.url}/api/events/sports_event456`);
        expect(res.status).toBe(200);
        const event = (await res.json()) as { event_id: string; seats: { seat_id: string; status: string; user_id: string | null }[] };
        expect(event).toMatchObject({ _id: 'sports_event456', event_id: 'sports_event456', date: '2027-05-20T18:30:00.000Z', starts_at: '2027-05-20T18:30:00.000Z' });
        expect(event.seats.map((s) => s.seat_id)).toEqual(['R10_S5', 'R10_S6']);
        expect(Object.keys(event.seats[0]!).sort()).toEqual(['seat_id', 'status', 'user_id']);
        expect((await fetch(`${stack.url}/api/events/no_such_event`)).status).toBe(404);
      });

      it('accepts a booking with 202 and a request id, and the booking is decided', async () => {
        const res = await fetch(`${stack.url}/api/book`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId: 'henry', eventId: 'concert123', seatId: 'A3' }),
        });
        expect(res.status).toBe(202);
        const body = (await res.json()) as { message: string; requestId: string };
        expect(body.message).toMatch(/accepted/i);
        expect(await outcome(stack, 'henry', body.requestId)).toMatchObject({ status: 'CONFIRMED' });
        await waitFor(async () => {
          const s = (await (await fetch(`${stack.url}/api/events/concert123`)).json()) as { seats: { seat_id: string; status: string }[] };
          return s.seats.find((x) => x.seat_id === 'A3')?.status === 'booked';
        }, { timeoutMs: 2_000, what: 'A3 to show booked over REST' });
      });

      it.each([
        ['a missing field', JSON.stringify({ userId: 'ivy', eventId: 'concert123' })],
        ['a malformed field', JSON.stringify({ userId: 'ivy', eventId: 'concert123', seatId: 42 })],
        ['malformed JSON', '{"userId": "ivy",'],
        ['a JSON array', '[]'],
      ])('answers 400 for %s', async (_name, body) => {
        const res = await fetch(`${stack.url}/api/book`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { code: string }).code).toBe('BAD_USER_INPUT');
      });
    });
  });
}
