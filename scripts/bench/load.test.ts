import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLoop, startOpenLoop, type LoadSpec } from './load.ts';

/** A server that accepts bodies saying "good" and refuses the rest, and counts what it was sent. */
let server: http.Server;
let url: string;
let received = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received++;
      const good = body === 'good';
      res.writeHead(good ? 202 : 400, { 'content-type': 'application/json' });
      res.end(good ? '{"status":"PENDING"}' : '{"errors":["bad"]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const spec = (bad: (i: number) => boolean): LoadSpec => ({
  url,
  request: (i) => ({ method: 'POST', path: `/book/${i}`, body: bad(i) ? 'bad' : 'good' }),
  ok: { status: 202, includes: 'PENDING', excludes: 'errors' },
});

describe('open loop (its own thread)', () => {
  it('sends rate x seconds requests and counts the answers its check refuses', async () => {
    // Request numbers are process-wide; any 50 in a row hold exactly 5 multiples of 10.
    const r = await openLoop(spec((i) => i % 10 === 0), 100, 0.5);
    expect(r.total).toBe(50);
    expect(r.failures).toBe(5);
    expect(r.firstFailure).toMatch(/^400 \{"errors"/);
    expect(Number.isFinite(r.late.p99)).toBe(true);
  });

  it('runs until stopped when unbounded, asking for more requests than its first three seconds', async () => {
    const before = received;
    const loop = startOpenLoop(spec(() => false), 200);
    // The thread gets 600 requests to start with; more than that means it asked for more.
    for (let waited = 0; received - before <= 700; waited += 50) {
      if (waited > 25_000) throw new Error(`only ${received - before} requests arrived`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const r = await loop.stop();
    expect(r.total).toBeGreaterThan(700);
    expect(r.failures).toBe(0);
  }, 30_000);
});
