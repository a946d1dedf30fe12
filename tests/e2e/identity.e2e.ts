import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_JWT } from '@booking/config';
import { gql, startStack, token, waitFor, type Stack } from '@booking/testkit';
import { BOOK, BOOKING, outcome, requestBooking } from './helpers.ts';
import { collect, probes, subscribed, wsClients } from './ws.ts';

let stack: Stack;
const ws = wsClients();
// Setting up a stack takes minutes when the shared services are busy.
beforeAll(async () => {
  stack = await startStack('identity');
}, 600_000);
afterAll(async () => {
  await ws.dispose();
  await stack?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const devKey = new TextEncoder().encode(DEV_JWT.secret);
const claims = (sub: string) => ({ sub, roles: [], iss: DEV_JWT.issuer, aud: DEV_JWT.audience, exp: now() + 300 });
const sign = (payload: Record<string, unknown>, key = devKey) => new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);

const bearer = async (token: Promise<string>) => `Bearer ${await token}`;

/** `Authorization` values every process must refuse, each for a user who would otherwise be allowed. */
const BAD_TOKENS: [string, () => Promise<string>][] = [
  ['a malformed token', async () => 'Bearer not.a-token'],
  ['a token without the Bearer scheme', () => token('eve')],
  ['an expired token', () => bearer(sign({ ...claims('eve'), iat: now() - 3600, exp: now() - 600 }))],
  ['a token signed with another key', () => bearer(sign(claims('eve'), new TextEncoder().encode('not-the-development-secret-at-all!!')))],
  ['a token for another audience', () => bearer(sign({ ...claims('eve'), aud: 'another-api' }))],
  ['a token from another issuer', () => bearer(sign({ ...claims('eve'), iss: 'someone-else' }))],
  ['an alg none token', async () => `Bearer ${part({ alg: 'none', typ: 'JWT' })}.${part(claims('eve'))}.`],
  ['a token without exp', () => bearer(sign({ sub: 'eve', iss: DEV_JWT.issuer, aud: DEV_JWT.audience }))],
];

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as { data?: any; errors?: { message: string; extensions?: { code?: string; reason?: string } }[]; code?: string; requestId?: string } };
}

const writes = () => stack.pg.query("SELECT (SELECT count(*) FROM bookings) AS bookings, (SELECT count(*) FROM outbox) AS outbox, (SELECT sum(version) FROM seats) AS versions").then((r) => r.rows[0]);

describe('tokens at the gateway, through NGINX', () => {
  const input = { eventId: 'arena10k', seatIds: ['D_R1_S1'] };

  it('books with a valid token, as its subject', async () => {
    const res = await post(stack.graphqlUrl, { query: BOOK, variables: { input } }, { authorization: `Bearer ${await token('ada')}` });
    expect(res.status).toBe(200);
    expect(res.json.data.requestBooking).toMatchObject({ status: 'PENDING', userId: 'ada' });
    // Decided before the next tests count writes.
    expect(await outcome(stack, 'ada', res.json.data.requestBooking.id as string)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('answers a booking without a token with 401 UNAUTHENTICATED', async () => {
    const before = await writes();
    const res = await post(stack.graphqlUrl, { query: BOOK, variables: { input: { ...input, seatIds: ['D_R1_S2'] } } });
    expect(res.status).toBe(401);
    expect(res.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await writes()).toEqual(before);
  });

  it.each(BAD_TOKENS)('refuses %s with 401 UNAUTHENTICATED, before any work', async (_name, make) => {
    const before = await writes();
    const auth = await make();
    for (const query of [BOOK, '{ events { id } }']) {
      const res = await post(stack.graphqlUrl, { query, variables: { input: { ...input, seatIds: ['D_R1_S3'] } } }, { authorization: auth });
      expect(res.status).toBe(401);
      expect(res.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.json.data ?? null).toBeNull();
      expect(res.text).not.toMatch(/stacktrace|node_modules|at .*\.ts:\d+/);
    }
    expect(await writes()).toEqual(before);
  });

  it("answers another user's booking with FORBIDDEN", async () => {
    const mine = await requestBooking(stack, 'bea', 'arena10k', ['D_R1_S4']);
    const id = mine.data!.requestBooking.id;
    await outcome(stack, 'bea', id);
    const res = await gql(stack.graphqlUrl, BOOKING, { id }, 'carl');
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.data?.booking ?? null).toBeNull();
    // The roles of the token reach the subgraph: an admin may read it.
    expect((await gql(stack.graphqlUrl, BOOKING, { id }, { userId: 'root', roles: ['admin'] })).data?.booking).toMatchObject({ id, userId: 'bea' });
  });
});

describe('a direct call to a subgraph must carry a valid token too', () => {
  it('refuses a booking that names its user by x-user-id', async () => {
    const before = await writes();
    const res = await post(stack.subgraphs.bookings, { query: BOOK, variables: { input: { eventId: 'arena10k', seatIds: ['D_R2_S1'] } } }, { 'x-user-id': 'ada' });
    expect(res.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await writes()).toEqual(before);
  });

  it.each(BAD_TOKENS)('the bookings subgraph refuses %s with 401', async (_name, make) => {
    const res = await post(stack.subgraphs.bookings, { query: BOOK, variables: { input: { eventId: 'arena10k', seatIds: ['D_R2_S2'] } } }, { authorization: await make() });
    expect(res.status).toBe(401);
    expect(res.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("hides someone's booking and seats from a forged caller on either subgraph", async () => {
    const mine = await requestBooking(stack, 'dora', 'arena10k', ['D_R2_S3']);
    const id = mine.data!.requestBooking.id;
    await outcome(stack, 'dora', id);
    const forged = { authorization: `Bearer ${await sign(claims('dora'), new TextEncoder().encode('not-the-development-secret-at-all!!'))}` };
    for (const headers of [{ 'x-user-id': 'dora' }, forged]) {
      const entity = await post(stack.subgraphs.bookings, { query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Booking { id userId } } }', variables: { r: [{ __typename: 'Booking', id }] } }, headers);
      expect(entity.json.data?._entities?.[0] ?? null).toBeNull();
      const booking = await post(stack.subgraphs.bookings, { query: 'query($id: ID!) { booking(id: $id) { id } }', variables: { id } }, headers);
      expect(booking.json.data?.booking ?? null).toBeNull();
      const seats = await post(stack.subgraphs.events, { query: '{ event(id: "arena10k") { seats { id bookedBy } } }' }, headers);
      expect(seats.json.data?.event?.seats?.find((s: { id: string }) => s.id === 'D_R2_S3')?.bookedBy ?? null).toBeNull();
    }
    // With the owner's real token the same direct call answers: the subgraph trusts the signature, not the network.
    const real = { authorization: `Bearer ${await token('dora')}` };
    expect((await post(stack.subgraphs.bookings, { query: 'query($id: ID!) { booking(id: $id) { id } }', variables: { id } }, real)).json.data.booking).toEqual({ id });
    const seats = await post(stack.subgraphs.events, { query: '{ event(id: "arena10k") { seats { id bookedBy } } }' }, real);
    expect(seats.json.data.event.seats.find((s: { id: string }) => s.id === 'D_R2_S3').bookedBy).toBe('dora');
  });
});

describe('graphql-ws authenticates in connection_init', () => {
  const BOOKING_UPDATED = /* GraphQL */ `subscription($id: ID!) { bookingUpdated(id: $id) { id status } }`;
  const SEATS = /* GraphQL */ `subscription { seatStatusChanged(eventId: "arena10k") { seatId status } }`;

  it('serves seatStatusChanged without a token', async () => {
    const seen = collect<{ seatStatusChanged: { seatId: string } }>(ws.connect(stack.url), SEATS);
    await subscribed(stack, [seen], 'arena10k', probes(50));
    await requestBooking(stack, 'gus', 'arena10k', ['D_R3_S1']);
    await waitFor(() => seen.values.find((v) => v.seatStatusChanged.seatId === 'D_R3_S1'), { timeoutMs: 10_000, what: 'the anonymous seat change' });
    expect(seen.errors).toEqual([]);
  });

  it('refuses bookingUpdated without a token, and serves it with one', async () => {
    // Hold the worker so both subscriptions are in place before the outcome exists.
    await stack.kill('worker', 'SIGTERM');
    const { data } = await requestBooking(stack, 'hal', 'arena10k', ['D_R3_S2']);
    const id = data!.requestBooking.id;
    const anonymous = collect(ws.connect(stack.url), BOOKING_UPDATED, { id });
    const owner = collect<{ bookingUpdated: { id: string; status: string } }>(ws.connect(stack.url, 'hal'), BOOKING_UPDATED, { id });
    await anonymous.done;
    expect(JSON.stringify(anonymous.errors)).toContain('UNAUTHENTICATED');
    await stack.start('worker');
    const update = await waitFor(() => owner.values[0], { timeoutMs: 30_000, what: 'the outcome for the owner' });
    expect(update.bookingUpdated).toEqual({ id, status: 'CONFIRMED' });
    expect(owner.errors).toEqual([]);
  });

  it.each(BAD_TOKENS)('closes the socket with 4403 for %s', async (_name, make) => {
    const auth = await make();
    const client = ws.track(createClient({ url: `${stack.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: auth }, retryAttempts: 0, lazy: true }));
    const result = collect(client, SEATS);
    await result.done;
    expect(result.errors).toHaveLength(1);
    expect((result.errors[0] as { code?: number }).code).toBe(4403);
  });
});

describe('REST POST /api/book', () => {
  const book = (body: unknown, headers: Record<string, string> = {}) => post(`${stack.url}/api/book`, body, headers);

  it("keeps the original contract in development: no token, the body's userId books", async () => {
    const res = await book({ userId: 'ivan', eventId: 'arena10k', seatId: 'D_R4_S1' });
    expect(res.status).toBe(202);
    const decided = await outcome(stack, 'ivan', res.json.requestId as string);
    expect(decided).toMatchObject({ status: 'CONFIRMED', userId: 'ivan', seatIds: ['D_R4_S1'] });
  });

  it('holds a token that is sent to its subject, and refuses a bad one', async () => {
    const other = await book({ userId: 'ivan', eventId: 'arena10k', seatId: 'D_R4_S2' }, { authorization: `Bearer ${await token('judy')}` });
    expect(other.status).toBe(403);
    expect(other.json.code).toBe('FORBIDDEN');
    const bad = await book({ userId: 'ivan', eventId: 'arena10k', seatId: 'D_R4_S2' }, { authorization: 'Bearer not.a-token' });
    expect(bad.status).toBe(401);
    expect(bad.json.code).toBe('UNAUTHENTICATED');
    const own = await book({ userId: 'judy', eventId: 'arena10k', seatId: 'D_R4_S2' }, { authorization: `Bearer ${await token('judy')}` });
    expect(own.status).toBe(202);
    expect((await outcome(stack, 'judy', own.json.requestId!)).userId).toBe('judy');
  });

  it('in production requires a token whose subject is the userId, and has no development sign-in', async () => {
    // A production gateway over the same subgraphs, which verify the development key they were given.
    const prod = await stack.addGateway({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT.secret });
    const bookProd = (body: unknown, headers: Record<string, string> = {}) => post(`${prod.url}/api/book`, body, headers);
    const before = await writes();
    const anonymous = await bookProd({ userId: 'kim', eventId: 'arena10k', seatId: 'D_R4_S3' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.code).toBe('UNAUTHENTICATED');
    const other = await bookProd({ userId: 'kim', eventId: 'arena10k', seatId: 'D_R4_S3' }, { authorization: `Bearer ${await token('lee')}` });
    expect(other.status).toBe(403);
    expect(other.json.code).toBe('FORBIDDEN');
    expect(await writes()).toEqual(before);
    const own = await bookProd({ userId: 'kim', eventId: 'arena10k', seatId: 'D_R4_S3' }, { authorization: `Bearer ${await token('kim')}` });
    expect(own.status).toBe(202);
    expect((await outcome(stack, 'kim', own.json.requestId as string)).userId).toBe('kim');

    expect((await fetch(`${prod.url}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"kim"}' })).status).toBe(404);
  }, 300_000); // starting one more gateway on a busy machine
});

describe('development sign-in', () => {
  it('signs in by name through NGINX, and the token books as that user', async () => {
    const res = await post(`${stack.url}/auth/dev-token`, { user: 'mia' });
    expect(res.status).toBe(200);
    const signed = res.json as unknown as { token: string; expiresIn: number };
    expect(signed.expiresIn).toBeGreaterThan(0);
    const booked = await post(stack.graphqlUrl, { query: BOOK, variables: { input: { eventId: 'arena10k', seatIds: ['D_R5_S1'] } } }, { authorization: `Bearer ${signed.token}` });
    expect(booked.json.data.requestBooking.userId).toBe('mia');
    expect((await post(`${stack.url}/auth/dev-token`, { user: 'not a name' })).status).toBe(400);
  });
});
