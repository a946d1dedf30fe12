import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, serviceEnv, startStack, waitFor, type Stack } from '@booking/testkit';
import { BOOKING, outcome, requestBooking } from './helpers.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('booking');
});
afterAll(async () => {
  await stack?.stop();
});

const EVENT_SEATS = /* GraphQL */ `
  query Event($id: ID!) { event(id: $id) { id name availability { total available booked } seats { id status version } } }`;

describe('booking through NGINX and the gateway', () => {
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

  it('books several seats all-or-nothing', async () => {
    const taken = await requestBooking(stack, 'carol', 'sports_event456', ['R10_S5']);
    await outcome(stack, 'carol', taken.data!.requestBooking.id);
    const both = await requestBooking(stack, 'dave', 'sports_event456', ['R10_S6', 'R10_S5']);
    expect(await outcome(stack, 'dave', both.data!.requestBooking.id)).toMatchObject({ status: 'REJECTED', reason: 'SEAT_UNAVAILABLE' });
    const { rows } = await stack.pg.query("SELECT status FROM seats WHERE event_id = 'sports_event456' AND seat_id = 'R10_S6'");
    expect(rows[0].status).toBe('AVAILABLE');
  });

  it('returns the same booking for a repeated idempotency key', async () => {
    const a = await requestBooking(stack, 'erin', 'arena10k', ['A_R1_S1'], 'erin-key-1');
    const b = await requestBooking(stack, 'erin', 'arena10k', ['A_R1_S1'], 'erin-key-1');
    expect(b.data?.requestBooking.id).toBe(a.data?.requestBooking.id);
    expect(await outcome(stack, 'erin', a.data!.requestBooking.id)).toMatchObject({ status: 'CONFIRMED' });
    const again = await requestBooking(stack, 'erin', 'arena10k', ['A_R1_S1'], 'erin-key-1');
    expect(again.data?.requestBooking).toMatchObject({ id: a.data!.requestBooking.id, status: 'CONFIRMED' });
    const { rows } = await stack.pg.query('SELECT count(*)::int AS n FROM bookings WHERE id = $1', [a.data!.requestBooking.id]);
    expect(rows[0].n).toBe(1);
    const reused = await requestBooking(stack, 'erin', 'arena10k', ['A_R1_S2'], 'erin-key-1');
    expect(reused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("refuses to show someone else's booking", async () => {
    const mine = await requestBooking(stack, 'frank', 'arena10k', ['B_R1_S1']);
    await outcome(stack, 'frank', mine.data!.requestBooking.id);
    const res = await gql(stack.graphqlUrl, BOOKING, { id: mine.data!.requestBooking.id }, 'mallory');
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('bad input is refused with a stable code and writes nothing', () => {
  const cases: [string, string | undefined, Record<string, unknown>, string][] = [
    ['no identity', undefined, { eventId: 'concert123', seatIds: ['A2'] }, 'UNAUTHENTICATED'],
    ['an unknown event', 'gina', { eventId: 'nope', seatIds: ['A2'] }, 'EVENT_NOT_FOUND'],
    ['an unknown seat', 'gina', { eventId: 'concert123', seatIds: ['Z99'] }, 'UNKNOWN_SEAT'],
    ['no seats', 'gina', { eventId: 'concert123', seatIds: [] }, 'BAD_USER_INPUT'],
    ['a repeated seat', 'gina', { eventId: 'concert123', seatIds: ['A2', 'A2'] }, 'BAD_USER_INPUT'],
    ['too many seats', 'gina', { eventId: 'arena10k', seatIds: Array.from({ length: 11 }, (_, i) => `C_R1_S${i + 1}`) }, 'BAD_USER_INPUT'],
    ['a malformed seat id', 'gina', { eventId: 'concert123', seatIds: ['A2; DROP TABLE'] }, 'BAD_USER_INPUT'],
  ];
  it.each(cases)('refuses %s', async (_name, userId, input, code) => {
    const writes = "SELECT (SELECT count(*) FROM bookings) AS bookings, (SELECT sum(version) FROM seats) AS versions";
    const before = await stack.pg.query(writes);
    const res = await gql(stack.graphqlUrl, /* GraphQL */ `mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id } }`, { input }, userId);
    expect(res.status).toBeLessThan(500);
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
    expect(JSON.stringify(res.errors)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
    const after = await stack.pg.query(writes);
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('answers malformed GraphQL and JSON with 400', async () => {
    const syntax = await gql(stack.graphqlUrl, '{ events { id ');
    expect(syntax.status).toBe(400);
    expect(syntax.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const json = await fetch(stack.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(json.status).toBe(400);
  });

  it('refuses a malformed identity header', async () => {
    const res = await gql(stack.graphqlUrl, '{ events { id } }', {}, 'bad user!');
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses operations wider than the limit before calling any subgraph', async () => {
    const wide = `{ ${Array.from({ length: 250 }, (_, i) => `e${i}: events { id }`).join(' ')} }`;
    const res = await gql(stack.graphqlUrl, wide);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('the original REST API', () => {
  it('lists events without seats', async () => {
    const res = await fetch(`${stack.url}/api/events`);
    expect(res.status).toBe(200);
    const events = (await res.json()) as Record<string, unknown>[];
    expect(events.find((e) => e.event_id === 'concert123')).toEqual({
      event_id: 'concert123',
      name: 'Summer Concert',
      venue: 'City Hall',
      starts_at: '2027-07-01T19:00:00.000Z',
    });
  });

  it('shows one event with its seats, and 404 for an unknown one', async () => {
    const res = await fetch(`${stack.url}/api/events/sports_event456`);
    expect(res.status).toBe(200);
    const event = (await res.json()) as { event_id: string; seats: { seat_id: string; status: string; user_id: string | null }[] };
    expect(event.event_id).toBe('sports_event456');
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

describe('poison messages', () => {
  it('dead-letters a malformed request with its reason and keeps deciding the others', async () => {
    const { Kafka, logLevel } = await import('kafkajs');
    const kafka = new Kafka({ brokers: serviceEnv().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `${stack.name}.dlq-reader` });
    await producer.connect();
    await consumer.connect();
    try {
      await producer.send({ topic: `${stack.name}.booking-requests`, messages: [{ key: 'arena10k', value: '{"requestId": "not-a-uuid"}' }] });
      const after = await requestBooking(stack, 'ivan', 'arena10k', ['D_R50_S50']);
      expect(await outcome(stack, 'ivan', after.data!.requestBooking.id)).toMatchObject({ status: 'CONFIRMED' });

      const dead: { value: string; reason: string }[] = [];
      await consumer.subscribe({ topic: `${stack.name}.booking-requests.dlq`, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void dead.push({ value: String(message.value), reason: String(message.headers?.reason) }) });
      const [entry] = await waitFor(() => dead.length > 0 && dead, { timeoutMs: 15_000, what: 'the dead-lettered message' });
      expect(entry!.value).toBe('{"requestId": "not-a-uuid"}');
      expect(entry!.reason).toMatch(/requestId/);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});
