import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, serviceEnv, startStack, waitFor, type Stack } from '@booking/testkit';
import { coreScenarios } from './core-scenarios.ts';
import { BOOKING, outcome, requestBooking } from './helpers.ts';
import { wsClients } from './ws.ts';

let stack: Stack;
const ws = wsClients();
beforeAll(async () => {
  stack = await startStack('booking');
});
afterAll(async () => {
  await ws.dispose();
  await stack?.stop();
});

coreScenarios('stack mode, through NGINX', () => stack, ws);

describe('booking through NGINX and the gateway', () => {
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

  it('refuses a malformed token even where none is needed', async () => {
    const res = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ query: '{ events { id } }' }),
    }).then(async (r) => ({ status: r.status, ...((await r.json()) as { errors?: { extensions?: { code?: string } }[] }) }));
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
