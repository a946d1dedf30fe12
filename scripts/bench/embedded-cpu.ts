/**
 * Diagnostic: where embedded mode's one process spends its CPU at fixed
 * arrival rates. Per GraphQL `requestBooking` (each from a distinct user, at
 * the rate of the read scenarios' booking storm) and per anonymous read
 * (`GET /api/events`, `events { availability }`), for the whole process
 * (every thread: the database thread, libuv's pool, the garbage collector's
 * helpers) and for its main thread, which answers every request.
 *
 *   npx tsx scripts/bench/embedded-cpu.ts [--rate 300] [--read-rate 2000] [--seconds 10]
 *
 * BENCH_APP_ENV (JSON) adds settings to the process, as for `npm run bench`.
 */
import { parseArgs } from 'node:util';
import { startEmbedded } from '@booking/testkit';
import { cpuSeconds } from './cpu.ts';
import { BENCH_APP_ENV, graphqlBooking, signCallers } from './intake.ts';
import { openLoop, type LoadSpec } from './load.ts';
import { GRAPHQL_EVENTS } from './reads.ts';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '300' }, 'read-rate': { type: 'string', default: '2000' }, seconds: { type: 'string', default: '10' } } });
const rate = Number(values.rate);
const readRate = Number(values['read-rate']);
const seconds = Number(values.seconds);

const callers = await signCallers(Math.ceil(rate * (seconds + 3)) + 1000);
const system = await startEmbedded('embeddedcpu', { env: BENCH_APP_ENV });
const usage = () => ({ process: cpuSeconds(system.pid), main: cpuSeconds(system.pid, system.pid) });
const read = (request: LoadSpec['request']): LoadSpec => ({ url: system.url, request, ok: { status: 200, excludes: '"errors"' } });
const loads: [string, LoadSpec, number][] = [
  ['GraphQL requestBooking', graphqlBooking(system.url, callers), rate],
  ['GET /api/events', read(() => ({ method: 'GET', path: '/api/events' })), readRate],
  ['events { availability }', read(() => ({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: GRAPHQL_EVENTS }) })), readRate],
];
try {
  for (const [name, spec, at] of loads) {
    await openLoop(spec, at, 3); // warm-up at the same rate
    const before = usage();
    const r = await openLoop(spec, at, seconds);
    // The worker, relay and projector finish what the load left.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = usage();
    const perRequest = (s: number) => ((s * 1000) / r.total).toFixed(2);
    console.log(
      `${name} at ${at} req/s: p99 ${r.p99.toFixed(0)} ms, ${r.failures} failed; CPU ms per request: process ${perRequest(after.process - before.process)}, main thread ${perRequest(after.main - before.main)}`,
    );
  }
} finally {
  await system.stop();
}
process.exit(0);
