import http from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DEV_JWT } from '@booking/config';
import { createMemoryRateLimiter, createVerifier, devToken } from '@booking/service-kit';
import { createIntake } from './intake.ts';
import { createMemoryPendingStore } from './pending.ts';
import { restBookingHandler, restBookingRoutes } from './rest.ts';

const published: unknown[] = [];
const intake = createIntake({
  catalog: { warm: async () => undefined, forget: () => undefined, check: async (eventId, seats) => (eventId === 'e1' && seats.every((s) => s === 'A1') ? null : { code: 'UNKNOWN_SEAT', message: 'no such seat' }) },
  publisher: { publish: async (m) => void published.push(m) },
  pending: createMemoryPendingStore(),
  bookings: { byId: async () => null, ofUser: async () => [], withRows: async () => new Set<string>() },
});
let url = '';
const verifier = createVerifier({ NODE_ENV: 'test', JWT_SECRET: DEV_JWT.secret, JWT_ISSUER: DEV_JWT.issuer, JWT_AUDIENCE: DEV_JWT.audience, JWT_CLOCK_TOLERANCE_S: 30 });
const log = pino({ level: 'silent' });
const unlimited = createMemoryRateLimiter({ RATE_LIMIT_BOOKINGS_PER_USER: 1_000, RATE_LIMIT_BOOKINGS_PER_IP: 1_000, RATE_LIMIT_WINDOW_SECONDS: 60 }, log);
const limits = { limiter: unlimited, clientAddress: () => '127.0.0.1' };
const open = restBookingHandler(intake, { verifier, actForBodyUser: true, ...limits }, log);
const strict = restBookingHandler(intake, { verifier, actForBodyUser: false, ...limits }, log);
// Two bookings per user, five per address, per minute.
const tight = restBookingHandler(
  intake,
  {
    verifier,
    actForBodyUser: true,
    limiter: createMemoryRateLimiter({ RATE_LIMIT_BOOKINGS_PER_USER: 2, RATE_LIMIT_BOOKINGS_PER_IP: 5, RATE_LIMIT_WINDOW_SECONDS: 60 }, log),
    clientAddress: (req) => String(req.headers['x-test-address']),
  },
  log,
);
const server = http.createServer((req, res) => void (req.headers['x-tight'] ? tight : req.headers['x-strict'] ? strict : open)(req, res));
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/book`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const post = async (body: string, type = 'application/json', headers: Record<string, string> = {}) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};

describe('restBookingHandler', () => {
  it('answers 202 with the request id once the request is published', async () => {
    const { status, body } = await post(JSON.stringify({ userId: 'ann', eventId: 'e1', seatId: 'A1' }));
    expect(status).toBe(202);
    expect(body).toMatchObject({ message: 'Booking request accepted', status: 'PENDING' });
    expect(published).toContainEqual(expect.objectContaining({ requestId: body.requestId, userId: 'ann', seatIds: ['A1'] }));
  });

  it('takes a token naming the body\'s user, refuses one naming another, and needs one where the body alone is not enough', async () => {
    const body = JSON.stringify({ userId: 'ann', eventId: 'e1', seatId: 'A1' });
    expect((await post(body, 'application/json', { authorization: `Bearer ${await devToken('ann')}`, 'x-strict': '1' })).status).toBe(202);
    expect((await post(body, 'application/json', { authorization: `Bearer ${await devToken('bob')}` })).body.code).toBe('FORBIDDEN');
    expect((await post(body, 'application/json', { authorization: 'Bearer nonsense' })).status).toBe(401);
    expect((await post(body, 'application/json', { 'x-strict': '1' })).body.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['malformed JSON', '{"userId":', 'application/json', 400],
    ['a body that is not JSON', 'userId=ann', 'application/x-www-form-urlencoded', 415],
    ['an unknown charset', JSON.stringify({ userId: 'ann', eventId: 'e1', seatId: 'A1' }), 'application/json; charset=bogus', 415],
    ['a missing field', JSON.stringify({ userId: 'ann', eventId: 'e1' }), 'application/json', 400],
    ['an oversized body', JSON.stringify({ userId: 'ann', eventId: 'e1', seatId: 'A1', pad: 'x'.repeat(20_000) }), 'application/json', 413],
    ['an unknown seat', JSON.stringify({ userId: 'ann', eventId: 'e1', seatId: 'Z9' }), 'application/json', 404],
  ])('answers %s with a stable code and publishes nothing', async (_name, body, type, expected) => {
    const before = published.length;
    const res = await post(body, type);
    expect(res.status).toBe(expected);
    expect(typeof res.body.code).toBe('string');
    expect(published.length).toBe(before);
  });

  it('reads a gzip body, and refuses one that is not gzip or that names an unknown encoding', async () => {
    const body = JSON.stringify({ userId: 'gus', eventId: 'e1', seatId: 'A1' });
    const send = (data: Buffer | string, encoding: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: data });
    expect((await send(gzipSync(body), 'gzip')).status).toBe(202);
    const before = published.length;
    expect((await send(body, 'gzip')).status).toBe(400);
    const unknown = await send(body, 'bogus');
    expect(unknown.status).toBe(415);
    expect(((await unknown.json()) as { code: string }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(published.length).toBe(before);
  });

  it('answers 429 RATE_LIMITED with Retry-After past the per-user and the per-address limits, and publishes nothing more', async () => {
    const book = (userId: string, address: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tight': '1', 'x-test-address': address },
        body: JSON.stringify({ userId, eventId: 'e1', seatId: 'A1' }),
      });
    expect((await book('rita', '10.0.0.1')).status).toBe(202);
    expect((await book('rita', '10.0.0.1')).status).toBe(202);
    const before = published.length;
    const third = await book('rita', '10.0.0.1');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await third.json()) as { code: string }).code).toBe('RATE_LIMITED');
    // Other users from the same address: rita's two and these three use up the address's five.
    for (const user of ['sam', 'tom', 'uma']) expect((await book(user, '10.0.0.1')).status).toBe(202);
    expect((await book('vic', '10.0.0.1')).status).toBe(429);
    expect((await book('vic', '10.0.0.2')).status).toBe(202);
    expect(published.length).toBe(before + 4);
  });

  it('answers the preflight of POST /api/book with 204 and marks answers for the allowed origin, as the gateway does', async () => {
    const routes = restBookingRoutes(intake, { verifier, actForBodyUser: true, ...limits }, ['https://shop.example'], log);
    const corsServer = http.createServer((req, res) => void routes[`${req.method} /api/book` as keyof typeof routes]?.(req, res));
    await new Promise<void>((r) => corsServer.listen(0, '127.0.0.1', r));
    const corsUrl = `http://127.0.0.1:${(corsServer.address() as AddressInfo).port}/api/book`;
    try {
      const preflight = await fetch(corsUrl, {
        method: 'OPTIONS',
        headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,authorization');
      const booked = await fetch(corsUrl, { method: 'POST', headers: { origin: 'https://shop.example', 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'ola', eventId: 'e1', seatId: 'A1' }) });
      expect(booked.status).toBe(202);
      expect(booked.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      const foreign = await fetch(corsUrl, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'ola', eventId: 'e1', seatId: 'A1' }) });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await new Promise<void>((r) => corsServer.close(() => r()));
    }
  });
});
