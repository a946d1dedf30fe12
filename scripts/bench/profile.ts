/**
 * Diagnostic: CPU profile of one app process under load. Starts a stack,
 * replaces the role's process by an identical one (same environment and port)
 * run with --cpu-prof, drives the load through NGINX, and prints where that
 * process spent its CPU (self time by package and by function).
 *
 *   npx tsx scripts/bench/profile.ts [--role gateway|bookings|worker|events] [--duration 10] [--connections 50]
 *                                    [--path graphql|rest|event-list|seat-map] [--rate <req/s>]
 *
 * `graphql` and `rest` book (requestBooking, POST /api/book); `event-list`
 * and `seat-map` read anonymously (GraphQL `events { availability }`, the
 * arena10k seat map), as an on-sale's readers do. `--rate` sends the load at
 * that fixed arrival rate (open loop) instead of the closed loop.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStack, type Role, type Stack } from '@booking/testkit';
import { BENCH_APP_ENV, graphqlBooking, restBooking, signCallers } from './intake.ts';
import { closedLoop, openLoop, type LoadSpec } from './load.ts';
import { GRAPHQL_EVENTS, GRAPHQL_SEATMAP } from './reads.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY: Partial<Record<Role, string>> = {
  gateway: 'gateway/src/main.ts',
  bookings: 'subgraphs/bookings/src/api/main.ts',
  worker: 'subgraphs/bookings/src/worker/main.ts',
  events: 'subgraphs/events/src/api/main.ts',
};

/** An anonymous GraphQL read, the same body every time. */
const graphqlRead = (url: string, query: string, variables: Record<string, unknown> = {}): LoadSpec => ({
  url,
  request: () => ({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }),
  ok: { status: 200, excludes: '"errors"' },
});
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'gateway' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    path: { type: 'string', default: 'graphql' },
    top: { type: 'string', default: '25' },
    rate: { type: 'string' },
  },
});
const role = values.role as Role;
if (!ENTRY[role]) throw new Error(`--role must be one of ${Object.keys(ENTRY).join(', ')}`);

function childPid(entry: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(entry)) return Number(name);
    } catch {
      /* gone */
    }
  }
  throw new Error(`no child running ${entry}`);
}

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function summarize(file: string, top: number) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const pkgOf = (url: string) => {
    if (!url) return '(native/idle/gc)';
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return m[1]!;
    if (url.startsWith('node:')) return 'node core';
    return url.replace(/^file:\/\//, '').replace(ROOT, '');
  };
  const byPkg = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName || '(anonymous)';
    const pkg = ['(idle)', '(program)', '(garbage collector)'].includes(fn) ? fn : pkgOf(n.callFrame.url);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
    const key = `${fn} ${pkgOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const show = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title}\n`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}\n`);
  };
  process.stdout.write(`profile ${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
  show('self time by package / file', byPkg);
  show('self time by function', byFn);
}

let stack: Stack | undefined;
let profiled: ReturnType<typeof spawn> | undefined;
try {
  stack = await startStack('profile', BENCH_APP_ENV);
  const entry = ENTRY[role]!;
  const env = Object.fromEntries(
    readFileSync(`/proc/${childPid(entry)}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  await stack.kill(role);
  const dir = `${ROOT}.artifacts/profile/${stack.name}`;
  mkdirSync(dir, { recursive: true });
  profiled = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', entry], { cwd: ROOT, env, stdio: 'inherit', detached: true });
  const port = env.PORT ?? env.HEALTH_PORT;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
    } catch {
      /* not yet */
    }
    if (i > 600) throw new Error('profiled process not ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const callers = await signCallers(30_000);
  const loads: Record<string, () => LoadSpec> = {
    graphql: () => graphqlBooking(stack!.url, callers),
    rest: () => restBooking(stack!.url, callers),
    'event-list': () => graphqlRead(stack!.url, GRAPHQL_EVENTS),
    'seat-map': () => graphqlRead(stack!.url, GRAPHQL_SEATMAP, { id: 'arena10k' }),
  };
  const load = loads[values.path!];
  if (!load) throw new Error(`--path must be one of ${Object.keys(loads).join(', ')}`);
  const spec = load();
  const drive = (seconds: number) => (values.rate === undefined ? closedLoop(spec, Number(values.connections), seconds) : openLoop(spec, Number(values.rate), seconds));
  await drive(2); // warm-up
  const r = await drive(Number(values.duration));
  process.stdout.write(`load: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, failures ${r.failures}\n`);
  profiled.kill('SIGTERM');
  await new Promise((r) => profiled!.once('exit', r));
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  summarize(`${dir}/${file}`, Number(values.top));
} finally {
  if (profiled && profiled.exitCode === null && profiled.signalCode === null) profiled.kill('SIGKILL');
  await stack?.stop();
}
