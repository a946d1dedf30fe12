import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GiveUp, startStack, waitFor, type Stack } from '@booking/testkit';
import { outcome, requestBooking } from './helpers.ts';

let stack: Stack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack('subs');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await stack?.stop();
});

function connect(httpUrl: string, userId?: string): Client {
  const client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: userId ? { 'x-user-id': userId } : {},
    retryAttempts: 0,
    lazy: false,
  });
  clients.push(client);
  return client;
}

interface Received<T> {
  values: T[];
  errors: unknown[];
  done: Promise<void>;
}

/** Subscribes and collects what arrives; resolves `started` once the server acknowledged the subscription. */
function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}): Received<T> {
  const values: T[] = [];
  const errors: unknown[] = [];
  const done = new Promise<void>((resolve) => {
    client.subscribe<T>(
      { query, variables },
      {
        next: (r) => (r.errors ? errors.push(...r.errors) : values.push(r.data as T)),
        error: (e) => {
          errors.push(e);
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { values, errors, done };
}

const SEAT_CHANGES = /* GraphQL */ `
  subscription($eventId: ID!) {
    seatStatusChanged(eventId: $eventId) { eventId seatId status version event { name } }
  }`;

type SeatChange = { seatStatusChanged: { eventId: string; seatId: string; status: string; version: number; event: { name: string } } };

/**
 * A subscription is in place once the server has checked the event and
 * registered it, which the protocol does not acknowledge: book probe seats
 * until one of their changes arrives, then forget the probes.
 */
async function subscribed(received: Received<unknown>[], eventId: string, probeSeats: string[]) {
  let next = 0;
  await waitFor(
    async () => {
      if (received.some((r) => r.errors.length > 0)) throw new GiveUp(`subscription failed: ${JSON.stringify(received.map((r) => r.errors))}`);
      if (received.every((r) => r.values.length > 0)) return true;
      const seat = probeSeats[next++];
      if (!seat) throw new GiveUp('ran out of probe seats');
      const r = await requestBooking(stack, 'probe', eventId, [seat]);
      await outcome(stack, 'probe', r.data!.requestBooking.id);
      await new Promise((resolve) => setTimeout(resolve, 300)); // delivery of that probe's change
      return received.every((r) => r.values.length > 0);
    },
    { timeoutMs: 30_000, intervalMs: 0, what: 'the subscriptions to deliver a probe change' },
  );
  for (const r of received) r.values.length = 0;
}

const probes = (row: number) => Array.from({ length: 20 }, (_, i) => `D_R${row}_S${i + 1}`);

describe('live seat maps over graphql-ws through NGINX', () => {
  it('delivers a seat booked by another client, with fields of the event resolved through federation, within 1 s', async () => {
    const watcher = connect(stack.url, 'watcher');
    const seen = collect<SeatChange>(watcher, SEAT_CHANGES, { eventId: 'arena10k' });
    await subscribed([seen], 'arena10k', probes(40));
    // One more change, to warm query plans, caches and connections along the timed path.
    await subscribed([seen], 'arena10k', probes(41));

    const started = Date.now();
    const booked = await requestBooking(stack, 'other', 'arena10k', ['A_R2_S2']);
    expect(booked.data?.requestBooking.status).toBe('PENDING');
    const change = await waitFor(() => seen.values.find((v) => v.seatStatusChanged.seatId === 'A_R2_S2'), { timeoutMs: 5_000, what: 'the seat change' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(change.seatStatusChanged).toEqual({ eventId: 'arena10k', seatId: 'A_R2_S2', status: 'BOOKED', version: 2, event: { name: 'Arena Tour' } });
  });

  it('resolves any field of the event through federation, aliases and fragments included', async () => {
    const seen = collect<{ seatStatusChanged: { seat: string; event: { title: string; availability: { booked: number } } } }>(
      connect(stack.url),
      /* GraphQL */ `
        subscription { seatStatusChanged(eventId: "concert123") { seat: seatId event { ...E } } }
        fragment E on Event { title: name availability { booked } }`,
    );
    await subscribed([seen], 'concert123', ['A1', 'A3']);
    await requestBooking(stack, 'sam', 'concert123', ['A2']);
    const change = await waitFor(() => seen.values.find((v) => v.seatStatusChanged.seat === 'A2'), { timeoutMs: 5_000, what: 'the A2 change' });
    expect(change.seatStatusChanged.event.title).toBe('Summer Concert');
    // Read-model fields are resolved when the change is delivered; the projector may not have applied it yet.
    expect(change.seatStatusChanged.event.availability.booked).toEqual(expect.any(Number));
  });

  it('delivers the same change to subscribers of two gateway instances', async () => {
    const second = await stack.addGateway();
    const a = collect<SeatChange>(connect(stack.url, 'a'), SEAT_CHANGES, { eventId: 'arena10k' });
    const b = collect<SeatChange>(connect(second.url, 'b'), SEAT_CHANGES, { eventId: 'arena10k' });
    await subscribed([a, b], 'arena10k', probes(42));

    await requestBooking(stack, 'c', 'arena10k', ['A_R3_S2']);
    const fromA = await waitFor(() => a.values.find((v) => v.seatStatusChanged.seatId === 'A_R3_S2'), { timeoutMs: 5_000, what: 'gateway 1' });
    const fromB = await waitFor(() => b.values.find((v) => v.seatStatusChanged.seatId === 'A_R3_S2'), { timeoutMs: 5_000, what: 'gateway 2' });
    expect(fromB.seatStatusChanged).toEqual(fromA.seatStatusChanged);
  });
});

describe('booking outcomes over graphql-ws', () => {
  const BOOKING_UPDATED = /* GraphQL */ `subscription($id: ID!) { bookingUpdated(id: $id) { id status reason event { name } } }`;
  type Update = { bookingUpdated: { id: string; status: string; reason: string | null; event: { name: string } } };

  it('tells the requester the outcome of their own booking', async () => {
    const client = connect(stack.url, 'olga');
    // Hold the worker so the subscription is in place before the outcome exists.
    await stack.kill('worker', 'SIGTERM');
    const { data } = await requestBooking(stack, 'olga', 'arena10k', ['B_R5_S5']);
    const id = data!.requestBooking.id;
    const updates = collect<Update>(client, BOOKING_UPDATED, { id });
    // The subscription is registered within milliseconds; the worker needs seconds to start and decide.
    await stack.start('worker');
    const update = await waitFor(() => updates.values[0], { timeoutMs: 20_000, what: 'the booking outcome' });
    expect(update.bookingUpdated).toEqual({ id, status: 'CONFIRMED', reason: null, event: { name: 'Arena Tour' } });
    expect(updates.errors).toEqual([]);
  });

  it("refuses to follow someone else's booking", async () => {
    const { data } = await requestBooking(stack, 'pat', 'arena10k', ['B_R5_S6']);
    const spy = collect<Update>(connect(stack.url, 'mallory'), BOOKING_UPDATED, { id: data!.requestBooking.id });
    await spy.done;
    expect(JSON.stringify(spy.errors)).toContain('FORBIDDEN');
  });
});

describe('bad subscriptions get graphql-ws errors, not dropped sockets', () => {
  it.each([
    ['a malformed document', 'subscription { seatStatusChanged(', 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', 'subscription { seatStatusChanged(eventId: "arena10k") { nope } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['an unknown event', 'subscription { seatStatusChanged(eventId: "no_such_event") { seatId } }', 'EVENT_NOT_FOUND'],
    ['an oversized selection', `subscription { seatStatusChanged(eventId: "arena10k") { ${Array.from({ length: 250 }, (_, i) => `s${i}: seatId`).join(' ')} } }`, 'QUERY_TOO_COMPLEX'],
  ])('answers %s with an error', async (_name, query, code) => {
    const client = connect(stack.url, 'quinn');
    const result = collect(client, query);
    await result.done;
    expect(JSON.stringify(result.errors)).toContain(code);
    // The socket still serves the next subscription.
    const next = collect(client, 'subscription { seatStatusChanged(eventId: "no_such_event") { seatId } }');
    await next.done;
    expect(JSON.stringify(next.errors)).toContain('EVENT_NOT_FOUND');
  });
});

describe('connection lifecycle', () => {
  async function metrics(): Promise<Record<string, number>> {
    const text = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    return Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => {
          const [name, value] = l.split(' ');
          return [name!, Number(value)];
        }),
    );
  }
  const subs = (m: Record<string, number>) => m['gateway_subscriptions{topic="seat-status"}']! + m['gateway_subscriptions{topic="booking-status"}']!;

  it('releases every socket and subscription after 1,000 subscribe/disconnect cycles', async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await waitFor(async () => (await metrics()).gateway_ws_connections === 0, { what: 'earlier sockets to close' });
    const before = await metrics();
    for (let round = 0; round < 20; round++) {
      const batch = Array.from({ length: 50 }, (_, i) => {
        const client = createClient({ url: `${stack.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
        client.subscribe({ query: SEAT_CHANGES, variables: { eventId: i % 2 ? 'arena10k' : 'concert123' } }, { next: () => {}, error: () => {}, complete: () => {} });
        return client;
      });
      await waitFor(async () => subs(await metrics()) >= 50, { timeoutMs: 20_000, what: `round ${round} to be subscribed` });
      await Promise.all(batch.map((c) => c.dispose()));
    }
    const after = await waitFor(
      async () => {
        const m = await metrics();
        return m.gateway_ws_connections === 0 && subs(m) === 0 ? m : undefined;
      },
      { timeoutMs: 20_000, what: 'every socket and subscription to be released' },
    );
    expect(subs(after)).toBe(subs(before));
  });

  it('does not serve gateway metrics through NGINX', async () => {
    expect((await fetch(`${stack.url}/metrics`)).status).toBe(404);
  });
});
