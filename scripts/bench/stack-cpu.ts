/**
 * Diagnostic: CPU each process of a fresh stack uses with no load, then per
 * booking at a fixed arrival rate (REST and GraphQL through NGINX, each
 * request from a distinct user). Fixed-rate figures do not depend on how far
 * a closed loop happens to get on a shared machine, so they compare two
 * versions of the code better than requests/s do.
 *
 *   npx tsx scripts/bench/stack-cpu.ts [--rate 300] [--seconds 15] [--paths rest,graphql]
 *
 * BENCH_APP_ENV (JSON) adds settings to every app process, as for `npm run bench`.
 */
import { parseArgs } from 'node:util';
import { startStack } from '@booking/testkit';
import { cpuSnapshot, cpuUsage, type CpuUsage } from './cpu.ts';
import { BENCH_APP_ENV, graphqlBooking, restBooking, signCallers } from './intake.ts';
import { openLoop } from './load.ts';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '300' }, seconds: { type: 'string', default: '15' }, paths: { type: 'string', default: 'rest,graphql' } } });
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ours = (cpu: CpuUsage) => cpu.groups.filter((g) => !g.name.startsWith('rest of machine'));
type Group = CpuUsage['groups'][number];
const list = (groups: Group[], value: (g: Group) => string) => groups.map((g) => `${g.name} ${value(g)}`).join(', ');

const callers = await signCallers(Math.ceil(rate * (seconds + 5) * 2) + 1000);
const stack = await startStack('stackcpu', BENCH_APP_ENV);
const nginx = stack.nginxPrefix;
try {
  await sleep(8000); // past start-up work
  const idle0 = cpuSnapshot();
  await sleep(10_000);
  const idle = cpuUsage(idle0, cpuSnapshot(), nginx);
  const idleCores = ours(idle).reduce((s, g) => s + g.cores, 0);
  console.log(`no load: ${idleCores.toFixed(2)} cores; ${list(ours(idle).filter((g) => g.cores >= 0.005), (g) => g.cores.toFixed(3))}`);
  for (const path of values.paths.split(',')) {
    const spec = path === 'graphql' ? graphqlBooking(stack.url, callers) : restBooking(stack.url, callers);
    await openLoop(spec, rate, 5); // warm-up at the same rate: a closed-loop burst would leave the pipeline a backlog
    const c0 = cpuSnapshot();
    const r = await openLoop(spec, rate, seconds);
    const cpu = cpuUsage(c0, cpuSnapshot(), nginx);
    const perRequest = (g: Pick<Group, 'cpuSeconds'>) => ((g.cpuSeconds * 1000) / r.total).toFixed(3);
    const total = ours(cpu).reduce((s, g) => s + g.cpuSeconds, 0);
    console.log(`${path} at ${rate} req/s: p99 ${r.p99.toFixed(0)} ms, ${r.failures} failed; CPU ms per request ${perRequest({ cpuSeconds: total })}: ${list(ours(cpu).filter((g) => g.cores >= 0.01), perRequest)}`);
  }
} finally {
  await stack.stop();
}
process.exit(0);
