import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './config.ts';
import { corsHandler, corsOrigins } from '@booking/service-kit';

async function serve(origins: readonly string[] | '*') {
  const app = express();
  app.use('/api', corsHandler(origins), (_req, res) => void res.json({ ok: true }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

const base = { BOOKINGS_URL: 'http://b/graphql', EVENTS_URL: 'http://e/graphql', REDIS_URL: 'redis://r:6379' };
const production = { ...base, NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-bytes' };

describe('CORS', () => {
  it('allows any origin in development and none in production unless listed', () => {
    expect(corsOrigins(loadGatewayConfig(base))).toBe('*');
    expect(corsOrigins(loadGatewayConfig(production))).toEqual([]);
    expect(corsOrigins(loadGatewayConfig({ ...production, CORS_ORIGINS: 'https://shop.example, http://localhost:3000' }))).toEqual([
      'https://shop.example',
      'http://localhost:3000',
    ]);
  });

  it('refuses a setting that is not a list of origins', () => {
    expect(() => loadGatewayConfig({ ...base, CORS_ORIGINS: 'https://shop.example/path' })).toThrow(/CORS_ORIGINS/);
  });

  it('answers a preflight from a listed origin and withholds CORS headers from any other', async () => {
    const { url, close } = await serve(['https://shop.example']);
    try {
      const ask = (origin: string) =>
        fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      const listed = await ask('https://shop.example');
      expect(listed.status).toBe(204);
      expect(listed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(listed.headers.get('access-control-allow-headers')).toBe('content-type,authorization');
      const other = await ask('https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const get = await fetch(url, { headers: { origin: 'https://evil.example' } });
      expect(get.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await close();
    }
  });
});
