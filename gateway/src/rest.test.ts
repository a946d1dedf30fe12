import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_JWT } from '@booking/config';
import { createVerifier, devToken, localSigner, type JwtSettings } from '@booking/service-kit';
import { devSignInRouter } from './auth.ts';
import { callerFrom, type Caller } from './context.ts';
import { restRouter, type Execute } from './rest.ts';

const settings: JwtSettings = { NODE_ENV: 'development', JWT_ISSUER: DEV_JWT.issuer, JWT_AUDIENCE: DEV_JWT.audience, JWT_CLOCK_TOLERANCE_S: 30 };
const verifier = createVerifier(settings);
const identify = (authorization: unknown) => callerFrom(verifier, authorization);
const servers: { close(): void }[] = [];
afterAll(() => servers.forEach((s) => s.close()));

/** The REST routes over a stand-in for the gateway's execution, which records the caller of each booking. */
async function serve(production: boolean) {
  const callers: (Caller | null)[] = [];
  const execute: Execute = async (_query, variables, caller) => {
    callers.push(caller);
    return { data: { requestBooking: { id: `id-${(variables.input as { eventId: string }).eventId}`, status: 'PENDING' } } };
  };
  const actAs = production ? null : localSigner(settings);
  const app = express();
  if (actAs) app.use('/auth', devSignInRouter(actAs));
  const reads = {
    events: async () => '[{"event_id":"concert123"}]',
    event: async (id: string) => {
      if (id === 'broken') throw new Error('events service down');
      return id === 'concert123' ? '{"event_id":"concert123","seats":[]}' : null;
    },
  };
  app.use('/api', restRouter({ execute, identify, actAs, maxBodyBytes: 16 * 1024, reads }));
  const server = app.listen(0);
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (path: string, body: unknown, authorization?: string) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : { text }) as Record<string, unknown> };
  };
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as unknown };
  };
  return { post, get, callers };
}

const BODY = { userId: 'ann', eventId: 'concert123', seatId: 'A1' };

describe('GET /api/events and /api/events/:id', () => {
  it('answers the bodies the events service keeps, 404 for an unknown event, 503 when it cannot answer', async () => {
    const { get } = await serve(false);
    expect(await get('/api/events')).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: [{ event_id: 'concert123' }] });
    expect(await get('/api/events/concert123')).toMatchObject({ status: 200, body: { event_id: 'concert123', seats: [] } });
    expect(await get('/api/events/nope')).toMatchObject({ status: 404, body: { code: 'EVENT_NOT_FOUND' } });
    expect(await get('/api/events/not%20an%20id')).toMatchObject({ status: 404, body: { code: 'EVENT_NOT_FOUND' } });
    expect(await get('/api/events/broken')).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
  });
});

describe('POST /api/book in development', () => {
  it("books for the body's userId without a token, with a short-lived token the subgraph can verify", async () => {
    const { post, callers } = await serve(false);
    expect(await post('/api/book', BODY)).toMatchObject({ status: 202, body: { requestId: 'id-concert123', status: 'PENDING' } });
    const caller = callers[0]!;
    expect(caller).toMatchObject({ userId: 'ann', roles: [] });
    expect(await verifier.verify(caller.authorization)).toEqual({ identity: { userId: 'ann', roles: [] } });
  });

  it('refuses a token for someone else with 403, and a bad token with 401, calling nothing', async () => {
    const { post, callers } = await serve(false);
    expect(await post('/api/book', BODY, `Bearer ${await devToken('bob')}`)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await post('/api/book', BODY, 'Bearer x.y.z')).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(callers).toEqual([]);
  });
});

describe('POST /api/book in production', () => {
  it('requires a token whose subject is the userId', async () => {
    const { post, callers } = await serve(true);
    expect(await post('/api/book', BODY)).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(await post('/api/book', BODY, `Bearer ${await devToken('bob')}`)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(callers).toEqual([]);
    const token = `Bearer ${await devToken('ann')}`;
    expect(await post('/api/book', BODY, token)).toMatchObject({ status: 202 });
    expect(callers).toEqual([{ userId: 'ann', roles: [], authorization: token }]);
  });

  it('has no development sign-in', async () => {
    const { post } = await serve(true);
    expect((await post('/auth/dev-token', { user: 'ann' })).status).toBe(404);
  });
});

describe('POST /auth/dev-token', () => {
  it('signs in by name, with the admin role when asked, and refuses a bad name', async () => {
    const { post } = await serve(false);
    const plain = await post('/auth/dev-token', { user: 'ann' });
    expect(plain.status).toBe(200);
    expect(await verifier.verify(`Bearer ${plain.body.token as string}`)).toEqual({ identity: { userId: 'ann', roles: [] } });
    const admin = await post('/auth/dev-token', { user: 'root', admin: true });
    expect(await verifier.verify(`Bearer ${admin.body.token as string}`)).toEqual({ identity: { userId: 'root', roles: ['admin'] } });
    expect(await post('/auth/dev-token', { user: 'not a name' })).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT' } });
    expect(await post('/auth/dev-token', { user: 'ann', admin: 'yes' })).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT' } });
  });
});
