import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorization, freePort, GiveUp, launchBrowser, ROOT, startStack, waitFor, type Stack } from '@booking/testkit';

/**
 * Clients and routers this project did not write, on one stack: Hive Gateway
 * over the project's supergraph and subgraphs (every operation,
 * subscriptions included, goes through it and identity reaches the subgraphs
 * as forwarded headers), and a web page on another origin calling the REST
 * API the way the original frontend did, with the browser's CORS checks on.
 */
let stack: Stack;
let hive: ChildProcess;
let hiveUrl: string;
const streams: AbortController[] = [];

beforeAll(async () => {
  stack = await startStack('interop');
  const port = await freePort();
  hiveUrl = `http://127.0.0.1:${port}/graphql`;
  const log = createWriteStream(`${ROOT}.artifacts/e2e/${stack.name}/hive-gateway.log`);
  hive = spawn(process.execPath, ['node_modules/@graphql-hive/gateway/dist/bin.js', 'supergraph', 'gateway/supergraph.graphql', '-c', 'routers/hive/gateway.config.ts', '-p', String(port), '-h', '127.0.0.1'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BOOKINGS_URL: stack.subgraphs.bookings, EVENTS_URL: stack.subgraphs.events },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  hive.stdout!.pipe(log);
  hive.stderr!.pipe(log);
  await waitFor(
    async () => {
      if (hive.exitCode !== null) throw new GiveUp(`hive-gateway exited with ${hive.exitCode}; see its log in .artifacts/e2e/${stack.name}`);
      return (await fetch(`http://127.0.0.1:${port}/readiness`).catch(() => null))?.ok;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'Hive Gateway to be ready' },
  );
});
afterAll(async () => {
  for (const s of streams) s.abort();
  if (hive && hive.exitCode === null) {
    hive.kill('SIGTERM');
    await new Promise((resolve) => hive.once('exit', resolve));
  }
  await stack?.stop();
});

/** JSON, and a development token naming `userId` when given: what a client sends to any router. */
async function headersFor(userId?: string): Promise<Record<string, string>> {
  const auth = await authorization(userId);
  return { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) };
}

async function hiveQuery<T = any>(query: string, variables: Record<string, unknown> = {}, userId?: string): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await fetch(hiveUrl, { method: 'POST', headers: await headersFor(userId), body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: T };
}

/** A subscription through Hive Gateway over GraphQL over SSE, collecting every `next` payload. */
function hiveSubscribe<T>(query: string, variables: Record<string, unknown>, userId?: string) {
  const values: { data?: T; errors?: unknown[] }[] = [];
  const abort = new AbortController();
  streams.push(abort);
  const done = (async () => {
    const res = await fetch(hiveUrl, {
      method: 'POST',
      headers: { ...(await headersFor(userId)), accept: 'text/event-stream' },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = res.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event === 'next' && data) values.push(JSON.parse(data));
        if (event === 'complete') return;
      }
    }
  })().catch((error: Error) => {
    if (error.name !== 'AbortError') throw error;
  });
  return { values, done };
}

const BOOK = /* GraphQL */ `mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }`;

describe('Hive Gateway over the supergraph and subgraphs', () => {
  it('answers a query', async () => {
    const { data } = await hiveQuery<{ events: { id: string; name: string }[] }>('{ events { id name } }');
    expect(data?.events.map((e) => e.id)).toContain('concert123');
  });

  it('forwards identity: a mutation as the caller, and the caller alone reads the booking with its event from the other subgraph', async () => {
    const anonymous = await hiveQuery(BOOK, { input: { eventId: 'arena10k', seatIds: ['B_R1_S1'] } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const booked = await hiveQuery<{ requestBooking: { id: string; status: string } }>(BOOK, { input: { eventId: 'arena10k', seatIds: ['B_R1_S1'] } }, 'hana');
    expect(booked.data?.requestBooking.status).toBe('PENDING');
    const id = booked.data!.requestBooking.id;
    const booking = await waitFor(
      async () => {
        const r = await hiveQuery<{ booking: { status: string; event: { name: string } } }>('query($id: ID!) { booking(id: $id) { status event { name } } }', { id }, 'hana');
        return r.data?.booking?.status === 'PENDING' ? undefined : r.data?.booking;
      },
      { what: 'the booking to be decided' },
    );
    expect(booking).toEqual({ status: 'CONFIRMED', event: { name: 'Arena Tour' } });
    const stranger = await hiveQuery('query($id: ID!) { booking(id: $id) { status } }', { id }, 'ivan');
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('serves both subscriptions from the subgraphs: a seat change with its Seat and event, and the outcome of the caller’s booking', async () => {
    const seats = hiveSubscribe<{ seatStatusChanged: { seatId: string; status: string; seat: { eventId: string; id: string; status: string }; event: { name: string } } }>(
      'subscription($e: ID!) { seatStatusChanged(eventId: $e) { seatId status seat { eventId id status } event { name } } }',
      { e: 'arena10k' },
    );
    // The subscription is in place once a probe's change arrives; the protocol does not acknowledge it.
    let probe = 0;
    await waitFor(
      async () => {
        if (seats.values.length > 0) return true;
        await hiveQuery(BOOK, { input: { eventId: 'arena10k', seatIds: [`D_R50_S${++probe}`] } }, 'probe');
        await new Promise((resolve) => setTimeout(resolve, 500));
        return seats.values.length > 0;
      },
      { timeoutMs: 30_000, intervalMs: 0, what: 'the seat subscription through Hive Gateway to deliver a probe change' },
    );

    const booked = await hiveQuery<{ requestBooking: { id: string } }>(BOOK, { input: { eventId: 'arena10k', seatIds: ['A_R7_S7'] } }, 'jun');
    const id = booked.data!.requestBooking.id;
    const updates = hiveSubscribe<{ bookingUpdated: { id: string; status: string; event: { name: string } } }>(
      'subscription($id: ID!) { bookingUpdated(id: $id) { id status event { name } } }',
      { id },
      'jun',
    );
    const change = await waitFor(() => seats.values.find((v) => v.data?.seatStatusChanged.seatId === 'A_R7_S7'), { timeoutMs: 10_000, what: 'the A_R7_S7 change' });
    expect(change.data!.seatStatusChanged).toEqual({ seatId: 'A_R7_S7', status: 'BOOKED', seat: { eventId: 'arena10k', id: 'A_R7_S7', status: 'BOOKED' }, event: { name: 'Arena Tour' } });
    const outcome = await waitFor(() => updates.values[0], { timeoutMs: 10_000, what: 'the booking outcome' });
    expect(outcome.data?.bookingUpdated).toEqual({ id, status: 'CONFIRMED', event: { name: 'Arena Tour' } });

    // Someone else following that booking is refused by the bookings subgraph.
    const spy = hiveSubscribe('subscription($id: ID!) { bookingUpdated(id: $id) { status } }', { id }, 'mallory');
    await spy.done;
    expect(JSON.stringify(spy.values)).toContain('FORBIDDEN');
  });
});

describe('a web app on another origin, in Chromium', () => {
  let site: http.Server;
  let siteUrl: string;
  beforeAll(async () => {
    // The page of a separately deployed frontend: same host, another port, so another origin.
    site = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>frontend</title>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => site.close(() => resolve())));

  /** The original frontend's three calls (axios: list, details, book), then a GraphQL query with a token, made by the page. */
  async function callsFromPage(apiUrl: string, seatId: string) {
    const auth = (await authorization('web'))!;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${siteUrl}/`);
      return await page.evaluate(async ([api, seat, token]) => {
        const call = async (path: string, init?: RequestInit) => {
          const res = await fetch(api + path, init);
          return { status: res.status, body: (await res.json()) as any };
        };
        const list = await call('/api/events');
        const details = await call('/api/events/concert123');
        const book = await call('/api/book', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userId: 'web', eventId: 'arena10k', seatId: seat }) });
        const graphql = await call('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: token },
          body: JSON.stringify({ query: '{ events { id } }' }),
        });
        return { list, details, book, graphql, origin: (globalThis as unknown as { location: { origin: string } }).location.origin };
      }, [apiUrl, seatId, auth] as const);
    } finally {
      await browser.close();
    }
  }

  it.each([
    ['through NGINX', () => stack.url, 'B_R2_S1'],
    ['straight from the gateway', () => stack.gatewayUrl, 'B_R2_S2'],
  ])('lists events, reads one and books a seat %s', async (_how, api, seat) => {
    const { list, details, book, graphql, origin } = await callsFromPage(api(), seat);
    expect(origin).toBe(siteUrl);
    expect(origin).not.toBe(new URL(api()).origin);
    expect(list.status).toBe(200);
    expect(list.body.map((e: { event_id: string }) => e.event_id)).toContain('concert123');
    expect(details.status).toBe(200);
    expect(details.body.seats.length).toBeGreaterThan(0);
    expect(book.status).toBe(202);
    expect(book.body.message).toBe('Booking request accepted');
    expect(graphql.status).toBe(200);
    expect(graphql.body.data.events.length).toBeGreaterThan(0);
  });

  it('answers preflights for /api/* and /graphql with 204, the same through NGINX and from the gateway', async () => {
    const preflight = async (url: string) => {
      const res = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin: siteUrl, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
      const pick = ['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers'];
      return { status: res.status, headers: Object.fromEntries(pick.map((h) => [h, res.headers.get(h)])) };
    };
    for (const path of ['/api/book', '/api/events', '/graphql']) {
      const viaNginx = await preflight(stack.url + path);
      expect(viaNginx.status).toBe(204);
      expect(viaNginx.headers['access-control-allow-origin']).toBe(siteUrl);
      expect(viaNginx.headers['access-control-allow-methods']).toContain('POST');
      expect(viaNginx.headers['access-control-allow-headers']).toContain('content-type');
      expect(viaNginx.headers['access-control-allow-headers']).toContain('authorization');
      expect(await preflight(stack.gatewayUrl + path)).toEqual(viaNginx);
    }
  });
});

describe('the Apollo Client example (examples/apollo-seat-map.ts)', () => {
  it('shows a seat booked by someone else from its normalised cache', async () => {
    const example = spawn(process.execPath, ['--import', 'tsx', 'examples/apollo-seat-map.ts', 'arena10k', stack.url], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    example.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    example.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(() => output.includes('seats loaded'), { timeoutMs: 60_000, what: 'the example to load the map' });
      // The subscription is in place once a probe's change shows; the protocol does not acknowledge it.
      let probe = 0;
      await waitFor(
        async () => {
          if (/C_R3_S\d+ -> BOOKED/.test(output)) return true;
          await fetch(`${stack.url}/api/book`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'probe', eventId: 'arena10k', seatId: `C_R3_S${++probe}` }) });
          await new Promise((resolve) => setTimeout(resolve, 500));
          return /C_R3_S\d+ -> BOOKED/.test(output);
        },
        { timeoutMs: 30_000, intervalMs: 0, what: 'the example to show a booked seat' },
      );
      expect(output).toMatch(/C_R3_S\d+ -> BOOKED \(version 2\)/);
    } finally {
      example.kill('SIGTERM');
    }
  });
});
