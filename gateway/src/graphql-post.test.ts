import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { plainCors, sendResponse, type HttpProblem } from '@booking/service-kit';
import { graphqlPostRoute, type AnswerGraphQL } from './graphql-post.ts';
import { createReadCache } from './read-cache.ts';

describe('POST /graphql on plain node:http', () => {
  const calls: { body: unknown; key: string | null }[] = [];
  const problems: HttpProblem[] = [];
  let fallbacks = 0;
  let fail = false;
  const cache = createReadCache({ ttlMs: 60_000, maxBytes: 1e6 });
  // Answers with what it was given; shareable when the route gave a key.
  const answer: AnswerGraphQL = (_req, res, body, key) =>
    cache
      .answer(key, async () => {
        calls.push({ body, key });
        if (fail) throw new Error('boom');
        const text = JSON.stringify({ data: { run: calls.length } });
        return { response: { status: 200, headers: [['content-type', 'application/json']], body: text }, shareable: key !== null };
      })
      .then((sent) => sendResponse(res, sent));
  const route = graphqlPostRoute({
    answer,
    cache,
    maxBodyBytes: 1024,
    cors: plainCors(['https://tickets.example']).wrap,
    fallback: (_req, res) => {
      fallbacks++;
      res.statusCode = 299;
      res.end();
    },
    onProblem: (problem) => problems.push(problem),
  });
  const server = http.createServer((req, res) => void route(req, res));
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    calls.length = 0;
    problems.length = 0;
    fallbacks = 0;
    fail = false;
  });

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers an identical anonymous query from the cache without running it again', async () => {
    const query = JSON.stringify({ query: `{ a${Math.random().toString(36).slice(2)} }` });
    const first = await post(query);
    const second = await post(query);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ data: { run: 1 } });
    expect(await second.json()).toEqual({ data: { run: 1 } });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toEqual(JSON.parse(query));
    // The key holds the body as sent and the Accept header.
    expect(calls[0]!.key).toBe(`*/*\n${query}`);
  });

  it('never shares an answer with or from a caller that sent a token', async () => {
    const query = JSON.stringify({ query: '{ mine }' });
    await post(query);
    await post(query, { authorization: 'Bearer x' });
    expect(calls.map((c) => c.key)).toEqual([`*/*\n${query}`, null]);
  });

  it('gives a body without a query string no key', async () => {
    await post('{"extensions":{}}');
    await post('');
    expect(calls).toEqual([
      { body: { extensions: {} }, key: null },
      { body: {}, key: null },
    ]);
  });

  it('refuses a body that is not JSON, or not an object or array, with 400 BAD_USER_INPUT', async () => {
    for (const body of ['{"query":', '"text"', '12']) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ errors: [{ message: 'body is not valid JSON', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    expect(calls).toHaveLength(0);
    expect(problems.map((p) => p.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const big = JSON.stringify({ query: `{ a }`, pad: 'x'.repeat(2000) });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const chunks = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const streamed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(calls).toHaveLength(0);
  });

  it('answers a failure of its own with 500 and nothing about why', async () => {
    fail = true;
    const res = await post(JSON.stringify({ query: '{ failing }' }));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    expect(problems.map((p) => p.status)).toEqual([500]);
  });

  it('leaves other media types, charsets and compressed bodies to the fallback', async () => {
    const query = JSON.stringify({ query: '{ a }' });
    expect((await post(query, { 'content-type': 'text/plain' })).status).toBe(299);
    expect((await post(query, { 'content-type': 'application/json; charset=latin1' })).status).toBe(299);
    expect((await post(gzipSync(query), { 'content-encoding': 'gzip' })).status).toBe(299);
    expect(fallbacks).toBe(3);
    expect((await post(query, { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(200);
  });

  it('gives allowed origins the CORS answers of the express routes', async () => {
    const allowed = await post(JSON.stringify({ query: '{ cors }' }), { origin: 'https://tickets.example' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://tickets.example');
    const other = await post(JSON.stringify({ query: '{ cors }' }), { origin: 'https://elsewhere.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
