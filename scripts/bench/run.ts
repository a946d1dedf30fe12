/**
 * Every on-sale figure in one run (`npm run bench`), printed as one table
 * (figure, target, measured, ratio, met) and recorded as a dated row in
 * docs/benchmarks.md.
 *
 *   npm run bench -- [--quick] [--only intake,processing,reads,freshness,embedded]
 *                    [--duration 10] [--connections 50] [--seats 10000] [--no-write]
 *
 * Scenarios (each against an isolated stack behind NGINX on the local services,
 * every process on this machine):
 *   intake      POST /api/book and GraphQL requestBooking side by side with the
 *               original write path (scripts/bench/baseline-server.ts, same Kafka),
 *               closed loop at --connections, then open loop at 80 % of each maximum
 *   processing  --seats one-seat requests put on the topic with the worker stopped,
 *               then the worker started: seats committed/s, and the read model's
 *               catch-up after the last commit (sell-out burst)
 *   reads       seat maps and event lists alone and during a booking storm
 *               (scripts/bench/reads.ts when present)
 *   freshness   a booking's way into the REST and GraphQL seat maps
 *   embedded    the intake figures of `npm start` (embedded mode)
 *
 * BENCH_APP_ENV='{"WORKER_FETCH_WAIT_MS":"0"}' adds settings to every app
 * process's environment, to compare one setting in alternating runs.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createKafka } from '@booking/service-kit';
import { serviceEnv, startEmbedded, startStack, type Stack } from '@booking/testkit';
import { cpuSnapshot, cpuUsage } from './cpu.ts';
import { BENCH_APP_ENV, graphqlBooking, restBooking, signCallers, startBaseline, type Callers } from './intake.ts';
import { closedLoop, openLoop, sentLate, type LoadResult, type LoadSpec } from './load.ts';
import { createEvent, measureProcessing, readModelBooked, settle } from './processing.ts';
import { measureFreshness } from './freshness.ts';
import { machine, recordOnSaleRun, runBenchmark } from './report.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIOS = ['intake', 'processing', 'reads', 'freshness', 'embedded'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string', default: '50' },
    seats: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]!.replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
  process.exit(0);
}
const only = new Set((args.only ?? SCENARIOS.join(',')).split(',').map((s) => s.trim()));
for (const s of only) {
  if (!(SCENARIOS as readonly string[]).includes(s)) {
    process.stderr.write(`--only takes ${SCENARIOS.join(', ')}; got ${s}\n`);
    process.exit(2);
  }
}
const opts = {
  duration: Number(args.duration ?? (args.quick ? 5 : 10)),
  connections: Number(args.connections),
  seats: Number(args.seats ?? (args.quick ? 3000 : 10000)),
  warmup: args.quick ? 2 : 3,
  quick: args.quick,
};
const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
const say = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');

// ---------------------------------------------------------------- the table

export interface Row {
  figure: string;
  target: string;
  measured: string;
  /** measured / target where a target is a number; higher is better. */
  ratio?: number;
  met?: boolean;
}
const rows: Row[] = [];
const notes: string[] = [];
/** A figure with a lower bound (`at least`) or an upper bound (`at most`). */
export function figure(name: string, value: number, unit: string, bound?: { atLeast?: number; atMost?: number; label?: string }): Row {
  const row: Row = { figure: name, target: '', measured: `${fmt(value, value < 10 && !Number.isInteger(value) ? 2 : 0)} ${unit}`.trim() };
  if (bound?.atLeast !== undefined) {
    row.target = bound.label ?? `>= ${fmt(bound.atLeast)} ${unit}`.trim();
    row.ratio = value / bound.atLeast;
    row.met = value >= bound.atLeast;
  } else if (bound?.atMost !== undefined) {
    row.target = bound.label ?? `<= ${fmt(bound.atMost)} ${unit}`.trim();
    row.ratio = bound.atMost / value;
    row.met = value <= bound.atMost;
  }
  rows.push(row);
  return row;
}
const notMeasured = (name: string, target: string, why: string) => rows.push({ figure: name, target, measured: `not measured (${why})` });

function table(): string[] {
  const cells = rows.map((r) => [r.figure, r.target, r.measured, r.ratio === undefined ? '' : `${fmt(r.ratio, 2)}x`, r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
  const head = ['Figure', 'Target', 'Measured', 'Ratio', 'Met'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)];
}

// ---------------------------------------------------------------- scenarios

let nginxPrefix = '';
/** `settled`: waits until the stack's pipeline has nothing left from earlier loads (stack mode only). */
async function loadFigures(name: string, spec: LoadSpec, p99Bound: number, baselineRps: number | null, ratioBound: number | null, settled?: () => Promise<void>): Promise<LoadResult> {
  await settled?.();
  say(`${name}: warm-up ${opts.warmup} s`);
  await closedLoop(spec, opts.connections, opts.warmup);
  say(`${name}: closed loop ${opts.duration} s at ${opts.connections} connections`);
  const c0 = cpuSnapshot();
  const closed = await closedLoop(spec, opts.connections, opts.duration);
  const cpu = cpuUsage(c0, cpuSnapshot(), nginxPrefix);
  notes.push(
    `${name}: CPU in cores during the closed loop: ${cpu.groups
      .filter((g) => g.cores >= 0.05)
      .map((g) => `${g.name} ${g.cores.toFixed(2)}`)
      .join(', ')} (machine ${cpu.machineCores.toFixed(2)})`,
  );
  if (baselineRps !== null && ratioBound !== null) {
    figure(`${name} requests/s, ${opts.connections} connections`, closed.rps, 'req/s', { atLeast: baselineRps * ratioBound, label: `>= ${ratioBound}x baseline (${fmt(baselineRps * ratioBound)})` });
  } else figure(`${name} requests/s, ${opts.connections} connections`, closed.rps, 'req/s');
  figure(`${name} p99, closed loop`, closed.p99, 'ms');
  figure(`${name} errors`, closed.failures, '', { atMost: 0, label: '0' }).ratio = undefined;
  if (closed.firstFailure) notes.push(`${name}: first failure: ${closed.firstFailure}`);
  const rate = Math.max(1, Math.round(closed.rps * 0.8));
  // The open loop is a load of its own: it starts once the pipeline has worked off the closed loop.
  await settled?.();
  say(`${name}: open loop ${opts.duration} s at ${rate} req/s`);
  const open = await openLoop(spec, rate, opts.duration);
  figure(`${name} p99 at ${fmt(rate)} req/s (80 %, open loop)`, open.p99, 'ms', Number.isFinite(p99Bound) ? { atMost: p99Bound } : undefined);
  const late = sentLate(open);
  if (late) notes.push(`${name} open loop: the load generator ${late}`);
  if (open.failures) {
    figure(`${name} errors, open loop`, open.failures, '', { atMost: 0, label: '0' }).ratio = undefined;
    notes.push(`${name} open loop: first failure: ${open.firstFailure}`);
  }
  return closed;
}

let callers: Callers;

/** The first requests a fresh stack gets: no connection pool or code path is warm yet. */
async function firstBurst(stack: Stack) {
  say('first burst after start: GraphQL requestBooking, 2 s');
  const burst = await closedLoop(graphqlBooking(stack.url, callers), opts.connections, 2);
  figure(`First burst after start, GraphQL requestBooking, ${opts.connections} connections: max latency`, burst.max, 'ms', { atMost: 1000 });
}

async function intake(stack: Stack, settled: () => Promise<void>) {
  const baseline = await startBaseline(serviceEnv().kafkaBrokers, `${stack.name}.baseline-requests`);
  try {
    const base = await loadFigures('Baseline (Express + kafkajs send)', restBooking(baseline.url, callers), Infinity, null, null, settled);
    rows.at(-1)!.target = '';
    await loadFigures('Intake POST /api/book', restBooking(stack.url, callers), 50, base.rps, 1.5, settled);
    await loadFigures('Intake GraphQL requestBooking', graphqlBooking(stack.url, callers), 100, base.rps, 0.5, settled);
  } finally {
    await baseline.stop();
  }
}

/** The read scenarios' module (scripts/bench/reads.ts), when present: its entry and the shape it takes. */
interface ReadModule {
  runReadScenarios(
    target: {
      url: string;
      graphqlUrl: string;
      decidedAt?(bookingId: string): Promise<number | null>;
      durableBooked?(eventId: string): Promise<number>;
      createEvent?(n: number): Promise<{ id: string; seats: string[] }>;
    },
    options: { seconds: number; storm: boolean; sellout: boolean; log?: (line: string) => void },
  ): Promise<{ figure: string; target: string; measured: string; met: boolean }[]>;
}
const READS_MODULE = `${ROOT}scripts/bench/reads.ts`;
const readModule = async (): Promise<ReadModule | null> => (existsSync(READS_MODULE) ? ((await import(READS_MODULE)) as ReadModule) : null);

async function reads(target: Parameters<ReadModule['runReadScenarios']>[0], prefix: string, sellout: boolean) {
  const module = await readModule();
  if (!module) {
    for (const r of ['GET /api/events/arena10k', 'GraphQL seat map of arena10k', 'GET /api/events', 'reads during a booking storm'])
      notMeasured(`${prefix}${r}`, '', 'scripts/bench/reads.ts missing');
    return;
  }
  const result = await module.runReadScenarios(target, { seconds: opts.quick ? 3 : 5, storm: true, sellout, log: say });
  for (const r of result) rows.push({ ...r, figure: `${prefix}${r.figure}` });
}

const stackReadTarget = (stack: Stack) => ({
  url: stack.url,
  graphqlUrl: stack.graphqlUrl,
  decidedAt: async (id: string) => (await stack.pg.query<{ at: Date | null }>('SELECT decided_at AS at FROM bookings WHERE id = $1', [id])).rows[0]?.at?.getTime() ?? null,
  durableBooked: (eventId: string) => readModelBooked(stack, eventId),
  createEvent: (n: number) => createEvent(stack, `bench_reads_${n}`, n).then((seats) => ({ id: `bench_reads_${n}`, seats })),
});

async function embedded() {
  say('embedded mode: starting');
  const system = await startEmbedded('bench', { env: BENCH_APP_ENV });
  try {
    await loadFigures('Embedded POST /api/book', restBooking(system.url, callers), 50, null, null);
    await loadFigures('Embedded GraphQL requestBooking', graphqlBooking(system.url, callers), 100, null, null);
    if (only.has('reads')) await reads({ url: system.url, graphqlUrl: system.graphqlUrl }, 'Embedded ', false);
  } finally {
    await system.stop();
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const startedAt = new Date();
  const m = machine();
  let stack: Stack | undefined;
  const stop = async () => {
    await stack?.stop().catch((error: Error) => say(`stack stop failed: ${error.message}`));
    stack = undefined;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().finally(() => process.exit(130)));
  try {
    callers = await signCallers(args.quick ? 20_000 : 60_000);
    if ([...only].some((s) => s !== 'embedded')) {
      say('starting the stack');
      stack = await startStack('bench', BENCH_APP_ENV);
      say(`stack ${stack.name} at ${stack.url}`);
      nginxPrefix = stack.nginxPrefix;
      const kafka = createKafka('bench', serviceEnv().kafkaBrokers.split(','), pino({ level: 'error' }));
      const ctx = { stack, kafka, figure, notes, say, seats: opts.seats, samples: args.quick ? 3 : 5 };
      // Each load starts on a quiet pipeline, as the baseline's does: the
      // worker and projector are not still working off the previous load.
      const settled = async () => {
        const waited = await settle(stack!, kafka);
        say(waited === null ? 'the pipeline did not settle within 120 s' : `pipeline settled after ${fmt(waited / 1000, 1)} s`);
      };
      // Freshness first: it needs free seats of arena10k, which intake sells.
      const steps: [Scenario, () => Promise<unknown>][] = [
        ['intake', () => firstBurst(stack!)],
        // The read module measures freshness itself when present.
        ['freshness', async () => ((await readModule()) ? undefined : measureFreshness(ctx))],
        ['intake', () => intake(stack!, settled)],
        [
          'reads',
          async () => {
            await settled();
            await reads(stackReadTarget(stack!), '', !args.quick);
          },
        ],
        ['processing', () => measureProcessing(ctx)],
      ];
      for (const [name, step] of steps) {
        if (!only.has(name)) continue;
        try {
          await step();
        } catch (error) {
          notes.push(`${name} failed: ${(error as Error).message}`);
          say(`${name} failed: ${(error as Error).stack ?? String(error)}`);
        }
      }
      await stop();
    }
    if (only.has('embedded')) await embedded();
  } finally {
    await stop();
  }
  const lines = table();
  process.stdout.write(`\n${lines.join('\n')}\n`);
  for (const n of notes) process.stdout.write(`note: ${n}\n`);
  if (!args['no-write']) recordOnSaleRun(startedAt, m, command, rows, notes);
}

await runBenchmark(main, say);
