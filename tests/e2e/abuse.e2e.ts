import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { authorization, gql, startStack, waitFor, type Stack } from '@booking/testkit';
import { abuseCorpus, type GqlCase, type HttpCase, type WsCase } from './abuse-corpus.ts';
import { collect, wsClients } from './ws.ts';

/** The limits this stack runs with (low, to be reached by a test). */
const LIMITS = {
  RATE_LIMIT_BOOKINGS_PER_USER: '20',
  RATE_LIMIT_BOOKINGS_PER_IP: '60',
  RATE_LIMIT_WINDOW_SECONDS: '60',
  SOCKETS_PER_CLIENT: '6',
  SUBSCRIPTIONS_PER_SOCKET: '3',
};
/** Generous on a shared 2-core machine: the point is that nothing hangs or burns seconds of CPU. */
const ANSWER_WITHIN_MS = 10_000;
/** What no answer may contain: stacks, file paths, driver or runtime internals. */
const LEAKS = [/node_modules/, /\bat [\w.$<>]+ \(/, /\.(ts|js|mjs|cjs):\d+/, /\/(work|home|root|usr|app)\//, /Maximum call stack/i, /RangeError|TypeError|ReferenceError/, /SyntaxError: Unexpected/, /ECONNREFUSED|Prisma|kafkajs|MongoServerError/];

interface Answer {
  status: number;
  contentType: string;
  body: string;
  ms: number;
}

let stack: Stack;
const ws = wsClients();

beforeAll(async () => {
  stack = await startStack('abuse', LIMITS);
}, 300_000);
afterAll(async () => {
  await ws.dispose();
  await stack?.stop();
});

/** Raw HTTP through NGINX: any method, header or body bytes. */
function send(c: HttpCase): Promise<Answer> {
  const started = Date.now();
  const url = new URL(c.path, stack.url);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: c.method, headers: c.headers, agent: false, timeout: ANSWER_WITHIN_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)));
    req.on('error', reject);
    req.end(c.body);
  });
}

async function sendGql(c: GqlCase): Promise<Answer> {
  const started = Date.now();
  const res = await gql(stack.graphqlUrl, c.query, c.variables, c.caller);
  return { status: res.status, contentType: 'application/json', body: JSON.stringify(res), ms: Date.now() - started };
}

const codeOf = (body: string): string | undefined => {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: string } }[]; code?: string; error?: { code?: string } };
    return parsed.errors?.[0]?.extensions?.code ?? parsed.code ?? parsed.error?.code;
  } catch {
    return undefined;
  }
};

interface WsOutcome {
  closeCode: number | null;
  messages: string[];
  /** Error codes received for each subscription id (from `error` and from `next` with errors). */
  codes: Map<string, string[]>;
  ms: number;
}

/**
 * Raw graphql-ws frames through NGINX; waits for the ack after a
 * connection_init, then sends the rest. An upgrade refused for the socket cap
 * (the cases before this one still closing) is tried again.
 */
async function sendWs(c: WsCase): Promise<WsOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendWsOnce(c);
    } catch (error) {
      if (!(error instanceof CapReached) || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

class CapReached extends Error {}

function sendWsOnce(c: WsCase): Promise<WsOutcome> {
  const started = Date.now();
  const socket = new WebSocket(`${stack.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const outcome: WsOutcome = { closeCode: null, messages: [], codes: new Map(), ms: 0 };
  const idOf = (frame: string) => {
    try {
      const message = JSON.parse(frame) as { type?: string; id?: string };
      return message.type === 'subscribe' && message.id ? [message.id] : [];
    } catch {
      return [];
    }
  };
  const subscriptions = new Set(c.frames.flatMap(idOf));
  const finished = new Set<string>();
  return new Promise((resolve, reject) => {
    const done = () => {
      outcome.ms = Date.now() - started;
      clearTimeout(timer);
      if (socket.readyState === WebSocket.OPEN) socket.close(1000);
      resolve(outcome);
    };
    const timer = setTimeout(() => (subscriptions.size > finished.size && outcome.closeCode === null && c.closeCode === undefined ? reject(new Error(`${c.name}: no answer within ${ANSWER_WITHIN_MS} ms`)) : done()), ANSWER_WITHIN_MS);
    let rest = [...c.frames];
    const sendNext = () => {
      while (rest.length > 0) {
        const frame = rest.shift()!;
        socket.send(frame);
        if (frame.includes('"connection_init"')) return; // the rest after the ack
      }
    };
    socket.on('open', sendNext);
    socket.on('error', () => undefined); // the close event reports what happened
    socket.on('message', (data) => {
      const text = String(data);
      outcome.messages.push(text);
      const message = JSON.parse(text) as { type: string; id?: string; payload?: unknown };
      if (message.type === 'connection_ack') return sendNext();
      if (message.type === 'ping') return socket.send('{"type":"pong"}');
      const errors = message.type === 'error' ? (message.payload as { extensions?: { code?: string } }[]) : message.type === 'next' ? ((message.payload as { errors?: { extensions?: { code?: string } }[] }).errors ?? []) : [];
      if (message.id !== undefined && errors.length > 0) outcome.codes.set(message.id, [...(outcome.codes.get(message.id) ?? []), ...errors.map((e) => e.extensions?.code ?? '(none)')]);
      if (message.id !== undefined && (message.type === 'error' || message.type === 'complete')) finished.add(message.id);
      if (c.closeCode === undefined && subscriptions.size > 0 && [...subscriptions].every((id) => finished.has(id))) done();
    });
    socket.on('close', (code, reason) => {
      outcome.closeCode = code;
      outcome.messages.push(String(reason));
      done();
    });
    socket.on('unexpected-response', (req, res) => {
      clearTimeout(timer);
      req.destroy();
      reject(res.statusCode === 429 ? new CapReached() : new Error(`${c.name}: upgrade refused with ${res.statusCode}`));
    });
    rest = [...c.frames];
  });
}

/** Runs `work` over `items` with at most `width` at once. */
async function pool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

/** Rows of PostgreSQL that bad input must not change. */
async function databaseState() {
  const { rows } = await stack.pg.query<{ what: string; n: number }>(
    `SELECT 'booking ' || status::text AS what, count(*)::int AS n FROM bookings GROUP BY status
     UNION ALL SELECT 'seat ' || status::text, count(*)::int FROM seats GROUP BY status
     UNION ALL SELECT 'booking_seats', count(*)::int FROM booking_seats`,
  );
  return Object.fromEntries(rows.map((r) => [r.what, r.n]));
}

describe('a corpus of malformed and abusive requests through NGINX', () => {
  const corpus = abuseCorpus();

  it('has at least 500 cases in every category', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(500);
    const kinds = new Set(corpus.map((c) => (c.kind === 'http' ? `${c.kind} ${c.path.split('/')[1]}` : c.kind)));
    expect([...kinds]).toEqual(expect.arrayContaining(['http graphql', 'http api', 'gql', 'ws']));
  });

  it('answers every one with a 4xx or a GraphQL error with a code, in JSON, without leaks, in time, changing nothing', async () => {
    const pidsBefore = stack.pids();
    const before = await databaseState();
    const problems: string[] = [];
    const check = (name: string, ok: boolean, what: string) => {
      if (!ok) problems.push(`${name}: ${what}`);
    };

    const httpCases = corpus.filter((c): c is HttpCase | GqlCase => c.kind !== 'ws');
    await pool(httpCases, 6, async (c) => {
      const answer = c.kind === 'http' ? await send(c) : await sendGql(c);
      check(c.name, answer.status < 500, `answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      check(c.name, answer.ms < ANSWER_WITHIN_MS, `took ${answer.ms} ms`);
      for (const leak of LEAKS) check(c.name, !leak.test(answer.body), `leaks ${leak}: ${answer.body.slice(0, 300)}`);
      if (answer.body.length > 0) {
        check(c.name, /json/.test(answer.contentType), `answered ${answer.contentType}`);
        let parsed = true;
        try {
          JSON.parse(answer.body);
        } catch {
          parsed = false;
        }
        check(c.name, parsed, `body is not JSON: ${answer.body.slice(0, 200)}`);
      }
      if (answer.status >= 400) check(c.name, codeOf(answer.body) !== undefined, `no code in ${answer.body.slice(0, 200)}`);
      if (answer.body.startsWith('{"errors"') || answer.body.includes('"errors":[')) {
        const errors = (JSON.parse(answer.body) as { errors?: { extensions?: { code?: string } }[] }).errors ?? [];
        check(c.name, errors.every((e) => typeof e.extensions?.code === 'string' && e.extensions.code !== 'INTERNAL_SERVER_ERROR'), `an error without a client-facing code: ${answer.body.slice(0, 200)}`);
      }
      if (c.kind === 'http' && c.status !== undefined) check(c.name, answer.status === c.status, `answered ${answer.status}, expected ${c.status}: ${answer.body.slice(0, 200)}`);
      if (c.kind === 'http' && c.code !== undefined) check(c.name, codeOf(answer.body) === c.code, `code ${codeOf(answer.body)}, expected ${c.code}`);
      if (c.kind === 'http' && c.headers?.['x-request-id'] !== undefined && answer.body.includes('requestId')) {
        const id = (JSON.parse(answer.body) as { error: { requestId: string } }).error.requestId;
        check(c.name, /^[A-Za-z0-9._:-]{1,128}$/.test(id), `request id ${JSON.stringify(id)} echoed`);
      }
    });

    await pool(corpus.filter((c): c is WsCase => c.kind === 'ws'), 3, async (c) => {
      const outcome = await sendWs(c);
      check(c.name, outcome.ms < ANSWER_WITHIN_MS + 1000, `took ${outcome.ms} ms`);
      check(c.name, ![4500, 1011].includes(outcome.closeCode ?? 0), `closed with ${outcome.closeCode}`);
      if (c.closeCode !== undefined) check(c.name, outcome.closeCode === c.closeCode, `closed with ${outcome.closeCode}, expected ${c.closeCode}`);
      if (c.code !== undefined) check(c.name, outcome.codes.get('2')?.includes(c.code) === true, `codes ${JSON.stringify([...outcome.codes])}, expected ${c.code} for the second subscription`);
      for (const codes of outcome.codes.values()) check(c.name, !codes.includes('(none)') && !codes.includes('INTERNAL_SERVER_ERROR'), `codes ${JSON.stringify(codes)}`);
      for (const text of outcome.messages) for (const leak of LEAKS) check(c.name, !leak.test(text), `leaks ${leak}: ${text.slice(0, 300)}`);
    });

    expect(problems).toEqual([]);
    expect(await databaseState()).toEqual(before);
    expect(stack.pids()).toEqual(pidsBefore);
    expect((await fetch(`${stack.gatewayUrl}/readyz`)).status).toBe(200);
  }, 600_000);

  it('counts what it refused in the gateway metrics', async () => {
    const text = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    for (const reason of ['query_too_complex_cost', 'query_too_complex_depth', 'operation_not_found', 'subscription_over_http', 'ws_protocol_violation', 'query_over_websocket', 'unsupported_media_type', 'token_malformed']) {
      expect(text).toMatch(new RegExp(`gateway_security_refusals_total\\{reason="${reason}"\\} [1-9]`));
    }
  });
});

const BOOK = /* GraphQL */ `mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }`;

describe('booking rate limits', () => {
  it('answers 429 RATE_LIMITED past 20 requests of one user, counted across two gateways', async () => {
    const second = await stack.addGateway();
    const seats = Array.from({ length: 24 }, (_, i) => `B_R1_S${i + 1}`);
    const answers = await Promise.all(
      seats.map((seat, i) => gql(i % 2 ? stack.graphqlUrl : `${second.url}/graphql`, BOOK, { input: { eventId: 'arena10k', seatIds: [seat] } }, 'eager-user')),
    );
    const accepted = answers.filter((a) => a.data?.requestBooking?.status === 'PENDING');
    const limited = answers.filter((a) => a.status === 429);
    expect(accepted).toHaveLength(20);
    expect(limited).toHaveLength(4);
    for (const a of limited) expect(a.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // Other people are not held back by one eager user.
    expect((await gql(stack.graphqlUrl, BOOK, { input: { eventId: 'arena10k', seatIds: ['B_R2_S1'] } }, 'calm-user')).data?.requestBooking?.status).toBe('PENDING');
  });

  it('answers 429 RATE_LIMITED on POST /api/book past the limit of one address', async () => {
    // The second gateway trusts the loopback proxy's X-Forwarded-For, as it trusts NGINX.
    const second = await stack.addGateway();
    const book = (i: number) =>
      fetch(`${second.url}/api/book`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' },
        body: JSON.stringify({ userId: `shared-${i % 10}`, eventId: 'arena10k', seatId: `B_R${3 + Math.floor(i / 50)}_S${(i % 50) + 1}` }),
      });
    const statuses = [];
    for (let i = 0; i < 65; i++) statuses.push((await book(i)).status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(60);
    const refused = await book(66);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('counts REST bookings, which NGINX sends to the bookings service, in the same per-user limit as GraphQL bookings', async () => {
    // Its own address, so the other tests' bookings from this host do not count.
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' };
    const seats = Array.from({ length: 24 }, (_, i) => `B_R6_S${i + 1}`);
    const graphql = await Promise.all(
      seats.slice(0, 12).map(async (seat) => {
        const res = await fetch(stack.graphqlUrl, {
          method: 'POST',
          headers: { ...headers, authorization: (await authorization('split-user'))! },
          body: JSON.stringify({ query: BOOK, variables: { input: { eventId: 'arena10k', seatIds: [seat] } } }),
        });
        return res.status;
      }),
    );
    expect(graphql.filter((s) => s === 200)).toHaveLength(12);
    const rest = [];
    for (const seat of seats.slice(12)) {
      const res = await fetch(`${stack.url}/api/book`, { method: 'POST', headers, body: JSON.stringify({ userId: 'split-user', eventId: 'arena10k', seatId: seat }) });
      rest.push({ status: res.status, body: (await res.json()) as { code?: string } });
    }
    expect(rest.filter((r) => r.status === 202)).toHaveLength(8);
    const refused = rest.filter((r) => r.status === 429);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(r.body.code).toBe('RATE_LIMITED');
  });
});

describe('WebSocket caps', () => {
  const SEATS = 'subscription { seatStatusChanged(eventId: "concert123") { seatId } }';

  it('refuses a socket past the cap of one client address, and takes one again when another closes', async () => {
    await waitFor(async () => !/gateway_ws_connections [1-9]/.test(await (await fetch(`${stack.gatewayUrl}/metrics`)).text()), { what: 'earlier sockets to close' });
    const clients = Array.from({ length: 6 }, () => ws.connect(stack.url));
    const streams = clients.map((c) => collect(c, SEATS));
    await waitFor(async () => /gateway_ws_connections 6/.test(await (await fetch(`${stack.gatewayUrl}/metrics`)).text()), { what: 'six sockets open' });
    const refusals = async () => Number(/gateway_security_refusals_total\{reason="too_many_sockets"\} (\d+)/.exec(await (await fetch(`${stack.gatewayUrl}/metrics`)).text())?.[1] ?? 0);
    const refusedBefore = await refusals();
    const extra = collect(ws.connect(stack.url), SEATS);
    await extra.done;
    expect(extra.errors).toHaveLength(1);
    expect(await refusals()).toBe(refusedBefore + 1);
    await clients[0]!.dispose();
    await streams[0]!.done;
    await waitFor(async () => /gateway_ws_connections 5/.test(await (await fetch(`${stack.gatewayUrl}/metrics`)).text()), { what: 'one socket to close' });
    const again = ws.connect(stack.url);
    const first = collect(again, SEATS);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(first.errors).toEqual([]);
    await Promise.all(clients.slice(1).map((c) => c.dispose()));
    await again.dispose();
  });

  it('refuses a fourth subscription on one socket with TOO_MANY_SUBSCRIPTIONS', async () => {
    await waitFor(async () => /gateway_ws_connections 0/.test(await (await fetch(`${stack.gatewayUrl}/metrics`)).text()), { what: 'earlier sockets to close' });
    const client = ws.connect(stack.url);
    const open = Array.from({ length: 3 }, () => collect(client, SEATS));
    const fourth = collect(client, SEATS);
    await fourth.done;
    expect((fourth.errors.flat() as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    for (const o of open) expect(o.errors).toEqual([]);
    await client.dispose();
  });
});
