import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

it.each([
  ['subgraphs/bookings/src/api/main.ts', ['DATABASE_URL', 'KAFKA_BROKERS', 'REDIS_URL']],
  ['subgraphs/bookings/src/worker/main.ts', ['DATABASE_URL', 'KAFKA_BROKERS', 'REDIS_URL']],
  ['subgraphs/bookings/src/relay/main.ts', ['DATABASE_URL', 'KAFKA_BROKERS']],
  ['subgraphs/events/src/api/main.ts', ['MONGO_URL', 'KAFKA_BROKERS']],
  ['subgraphs/events/src/projector/main.ts', ['MONGO_URL', 'KAFKA_BROKERS']],
  ['gateway/src/main.ts', ['BOOKINGS_URL', 'EVENTS_URL']],
])('%s refuses to start without its configuration and names every missing variable', async (entry, names) => {
  const { code, stderr } = await run(entry, {});
  expect(code).toBe(78);
  for (const name of names) expect(stderr).toContain(`${name} is required`);
});

it('names a malformed variable with the value it was given', async () => {
  const { code, stderr } = await run('gateway/src/main.ts', { BOOKINGS_URL: 'ftp://x', EVENTS_URL: 'http://e/graphql', PORT: 'eighty' });
  expect(code).toBe(78);
  expect(stderr).toContain('BOOKINGS_URL="ftp://x" is invalid');
  expect(stderr).toContain('PORT="eighty" is invalid');
});

it.each([
  ['gateway/src/main.ts', { BOOKINGS_URL: 'http://b/graphql', EVENTS_URL: 'http://e/graphql', REDIS_URL: 'redis://r:6379' }],
  ['subgraphs/bookings/src/api/main.ts', { DATABASE_URL: 'postgresql://d/b', KAFKA_BROKERS: 'k:9092', REDIS_URL: 'redis://r:6379' }],
  ['subgraphs/events/src/api/main.ts', { MONGO_URL: 'mongodb://m:27017', KAFKA_BROKERS: 'k:9092' }],
])('%s refuses to start in production without a token key', async (entry, env) => {
  const { code, stderr } = await run(entry, { ...env, NODE_ENV: 'production' });
  expect(code).toBe(78);
  expect(stderr).toContain('JWT_SECRET or JWKS_URL is required with NODE_ENV=production');
});
