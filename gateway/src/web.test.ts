import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { buildSchema } from 'graphql';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadGatewayConfig } from './config.ts';
import { graphiqlEnabled, webRouter, type WebOptions } from './web.ts';

const schema = buildSchema('type Query { hello: String }');
const servers: { close(): void }[] = [];
afterAll(() => servers.forEach((s) => s.close()));

function builtDist(): string {
  const dist = mkdtempSync(path.join(tmpdir(), 'web-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>seat map</title>');
  writeFileSync(path.join(dist, 'graphiql.html'), '<!doctype html><title>GraphiQL</title>');
  writeFileSync(path.join(dist, 'assets', 'seatmap-ABC123.js'), 'export {};');
  return dist;
}

/** The router in front of a stand-in for the GraphQL handler, as in the gateway. */
async function serve(config: WebOptions, dist: string, log = pino({ level: 'silent' })) {
  const app = express();
  app.use(webRouter(config, log, () => schema, dist));
  app.use('/graphql', (_req, res) => void res.json({ handledBy: 'graphql' }));
  const server = app.listen(0);
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return (p: string, accept?: string) => fetch(`${base}${p}`, { headers: accept ? { accept } : {} });
}

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('web pages served by the gateway', () => {
  it('serves the seat-map page, revalidated on every load, with a same-origin content policy', async () => {
    const get = await serve({ NODE_ENV: 'development' }, builtDist());
    const res = await get('/', BROWSER_ACCEPT);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(await res.text()).toContain('seat map');
  });

  it('caches hashed assets for a year and answers unknown ones with 404', async () => {
    const get = await serve({ NODE_ENV: 'development' }, builtDist());
    const res = await get('/assets/seatmap-ABC123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await get('/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('no such asset\n');
  });

  it('answers browsers at /graphql with GraphiQL and everything else with GraphQL', async () => {
    const get = await serve({ NODE_ENV: 'development' }, builtDist());
    const page = await get('/graphql', BROWSER_ACCEPT);
    expect(await page.text()).toContain('GraphiQL');
    expect(page.headers.get('vary')).toContain('Accept');
    for (const accept of [undefined, '*/*', 'application/json', 'application/graphql-response+json, application/json;q=0.9', 'text/html;q=0.5, application/json']) {
      expect(await (await get('/graphql?query=%7Bhello%7D', accept)).json(), `accept: ${accept}`).toEqual({ handledBy: 'graphql' });
    }
    const sdl = await get('/graphql/schema.graphql');
    expect(await sdl.text()).toContain('hello: String');
  });

  it('keeps GraphiQL and its schema off in production unless GRAPHIQL_ENABLED is set', async () => {
    const off = await serve({ NODE_ENV: 'production' }, builtDist());
    expect(await (await off('/graphql', BROWSER_ACCEPT)).json()).toEqual({ handledBy: 'graphql' });
    expect((await off('/graphql/schema.graphql')).headers.get('content-type')).toContain('application/json');
    const on = await serve({ NODE_ENV: 'production', GRAPHIQL_ENABLED: true }, builtDist());
    expect(await (await on('/graphql', BROWSER_ACCEPT)).text()).toContain('GraphiQL');
    expect(graphiqlEnabled({ NODE_ENV: 'development', GRAPHIQL_ENABLED: false })).toBe(false);
  });

  it('answers / with 503 and the build command, and logs it, when the pages are not built', async () => {
    const log = pino({ level: 'silent' });
    const warn = vi.spyOn(log, 'warn');
    const get = await serve({ NODE_ENV: 'development' }, mkdtempSync(path.join(tmpdir(), 'web-empty-')), log);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ dist: expect.any(String) }), expect.stringContaining('npm run build -w @booking/web'));
    const res = await get('/', BROWSER_ACCEPT);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build -w @booking/web');
    expect(await (await get('/graphql', 'application/json')).json()).toEqual({ handledBy: 'graphql' });
  });
});

describe('GRAPHIQL_ENABLED', () => {
  const base = { BOOKINGS_URL: 'http://b/graphql', EVENTS_URL: 'http://e/graphql', KAFKA_BROKERS: 'k:9092', REDIS_URL: 'redis://r:6379' };
  it('is unset by default and parses true/false/1/0', () => {
    expect(loadGatewayConfig(base).GRAPHIQL_ENABLED).toBeUndefined();
    expect(loadGatewayConfig({ ...base, GRAPHIQL_ENABLED: '1' }).GRAPHIQL_ENABLED).toBe(true);
    expect(loadGatewayConfig({ ...base, GRAPHIQL_ENABLED: 'false' }).GRAPHIQL_ENABLED).toBe(false);
    expect(() => loadGatewayConfig({ ...base, GRAPHIQL_ENABLED: 'yes' })).toThrow(/GRAPHIQL_ENABLED="yes" is invalid/);
  });
});
