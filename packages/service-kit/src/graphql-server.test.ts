import { createRequire } from 'node:module';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLHttpServer } from './graphql-server.ts';

// The CommonJS build of graphql, as @apollo/server loads it: a schema from the ESM build is another realm's.
const { buildSchema } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

describe('GraphQL server: a POST answered in process', () => {
  const schema = buildSchema('type Query { who: String }');
  // The resolver answers with the context built from the headers.
  schema.getQueryType()!.getFields().who!.resolve = (_root, _args, ctx: { who: string | null }) => ctx.who;
  let server: Awaited<ReturnType<typeof createGraphQLHttpServer<{ who: string | null }>>>;
  beforeAll(async () => {
    server = await createGraphQLHttpServer<{ who: string | null }>({
      schema,
      log: pino({ level: 'silent' }),
      readiness: async () => ({}),
      context: (req) => ({ who: typeof req.headers.authorization === 'string' ? req.headers.authorization : null }),
      plugins: [],
    });
  });
  afterAll(() => server?.stop());

  it('builds the context from the headers given and answers as /graphql would', async () => {
    const res = await server.post({ query: '{ who }' }, { Authorization: 'Bearer t' });
    expect(res).toEqual({ status: 200, text: expect.any(String) });
    expect(JSON.parse(res.text)).toEqual({ data: { who: 'Bearer t' } });
  });

  it('treats an undefined field as absent, as it would be in JSON', async () => {
    const res = await server.post({ query: '{ who }', operationName: undefined, variables: undefined }, {});
    expect(JSON.parse(res.text)).toEqual({ data: { who: null } });
  });

  it('refuses what /graphql refuses, with the same status', async () => {
    const res = await server.post({ query: '{ nope }' }, {});
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers a JSON POST over HTTP, and refuses a body that is not JSON with BAD_USER_INPUT', async () => {
    const own = await createGraphQLHttpServer<{ who: string | null }>({
      schema,
      log: pino({ level: 'silent' }),
      readiness: async () => ({}),
      context: (req) => ({ who: typeof req.headers.authorization === 'string' ? req.headers.authorization : null }),
    });
    const url = `http://127.0.0.1:${await own.listen(0, '127.0.0.1')}/graphql`;
    try {
      const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer h' }, body: '{"query":"{ who }"}' });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ data: { who: 'Bearer h' } });
      const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ errors: [{ message: 'body is not valid JSON', extensions: { code: 'BAD_USER_INPUT' } }] });
      const big = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ who }', pad: 'x'.repeat(70_000) }) });
      expect(big.status).toBe(413);
    } finally {
      await own.stop();
    }
  });

  it('rejects listening on a port already taken, and nothing else throws', async () => {
    const port = await server.listen(0, '127.0.0.1');
    const second = await createGraphQLHttpServer<{ who: string | null }>({ schema, log: pino({ level: 'silent' }), readiness: async () => ({}), context: () => ({ who: null }) });
    try {
      await expect(second.listen(port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // An 'error' event nobody listens to would surface as an uncaught exception by now.
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await second.stop();
    }
  });
});
