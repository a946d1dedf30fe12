import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEV_JWT } from '@booking/config';
import { authorizations } from '@booking/testkit';
import { SEED_EVENTS } from '../../prisma/seed.ts';
import type { LoadSpec } from './load.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const INTAKE_EVENT = 'arena10k';
const SEATS = SEED_EVENTS.find((e) => e.id === INTAKE_EVENT)!.seats.map((s) => s.id);
const MUTATION = 'mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }';
const seat = (i: number) => SEATS[i % SEATS.length]!;

/**
 * Settings of every app process a benchmark starts: production, with the
 * development key so the benchmark can sign its callers' tokens, plus
 * BENCH_APP_ENV (JSON), e.g. '{"WORKER_FETCH_WAIT_MS":"0"}' for an A/B run.
 */
export const BENCH_APP_ENV: Record<string, string> = { NODE_ENV: 'production', JWT_SECRET: DEV_JWT.secret, LOG_LEVEL: 'warn', ...JSON.parse(process.env.BENCH_APP_ENV ?? '{}') };

/** Distinct users and their tokens, signed before a run (a request's setup cannot wait). */
export interface Callers {
  user(i: number): string;
  authorization(i: number): string;
  count: number;
}
export async function signCallers(count: number): Promise<Callers> {
  const prefix = `bench-${randomBytes(3).toString('hex')}-`;
  const tokens = await authorizations(prefix, count);
  return { user: (i) => `${prefix}${i % count}`, authorization: (i) => tokens[i % count]!, count };
}

/** `POST /api/book` with the original body and the user's token, a distinct user per request. */
export const restBooking = (url: string, callers: Callers): LoadSpec => ({
  url,
  request: (i) => ({
    method: 'POST',
    path: '/api/book',
    headers: { 'content-type': 'application/json', authorization: callers.authorization(i) },
    body: JSON.stringify({ userId: callers.user(i), eventId: INTAKE_EVENT, seatId: seat(i) }),
  }),
  ok: { status: 202 },
});

/** GraphQL `requestBooking` of one seat, a distinct user per request. */
export const graphqlBooking = (url: string, callers: Callers): LoadSpec => ({
  url,
  request: (i) => ({
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: callers.authorization(i) },
    body: JSON.stringify({ query: MUTATION, variables: { input: { eventId: INTAKE_EVENT, seatIds: [seat(i)] } } }),
  }),
  ok: { status: 200, includes: '"PENDING"', excludes: '"errors"' },
});

/** Starts scripts/bench/baseline-server.ts on a free port, producing to `topic` on `brokers`. */
export async function startBaseline(brokers: string, topic: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/baseline-server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: '0', KAFKA_BROKERS: brokers, TOPIC: topic },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own session, as the stack's processes have (packages/testkit).
    detached: true,
  });
  process.once('exit', () => child.kill('SIGTERM'));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
