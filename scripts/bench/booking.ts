/**
 * Booking throughput benchmark against a real local stack.
 *
 *   npx tsx scripts/bench/booking.ts [--duration 15] [--connections 100] [--seats 10000]
 *                                    [--warmup 3] [--log-level warn] [--env KEY=VALUE ...] [--no-write]
 *
 * 1. Intake: autocannon POSTs requestBooking mutations through the stack's
 *    NGINX for a fixed time at a fixed connection count (one seat of arena10k
 *    and one of 5,000 users, each with its token, per request) and measures
 *    requests/s and the latency of the PENDING answer.
 * 2. Processing: with the worker stopped, N one-seat requests for N distinct
 *    AVAILABLE seats are published straight to `<prefix>booking-requests`;
 *    the worker is started and timed until all N bookings are in PostgreSQL
 *    (seats committed/s), and until the read model shows them booked.
 *
 * --env passes extra environment to every app process (e.g. WORKER_BATCH_SIZE=2000).
 * Needs the local services (scripts/services/up.sh). Prints a table and, unless
 * --no-write, prepends a dated section to docs/benchmarks.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon, { type RequestSpec, type Result } from 'autocannon';
import { pino } from 'pino';
import { topicNames, type BookingRequestMessage } from '@booking/contracts';
import { createKafka, createProducer, pgSql } from '@booking/service-kit';
import { authorizations, gql, serviceEnv, startStack, type Stack } from '@booking/testkit';
import { arena, seed, SEED_EVENTS } from '../../prisma/seed.ts';
import { createMongoReadStore } from '../../subgraphs/events/src/mongo-store.ts';
import { createSqlTruthSource } from '../../subgraphs/events/src/reconcile/sql-source.ts';
import { reconcile } from '../../subgraphs/events/src/reconcile/reconcile.ts';
import { cpuSnapshot, cpuUsage, type CpuSnapshot, type CpuUsage } from './cpu.ts';
import { machine, recordRun } from './report.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const TARGETS = { intakeRps: 2000, intakeP99Ms: 100, seatsPerSec: 2000 };
const INTAKE_EVENT = 'arena10k';
const PROCESSING_EVENT = 'bench_processing';
const MUTATION = 'mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }';

// ---------------------------------------------------------------- arguments

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '100' },
    seats: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '3' },
    'log-level': { type: 'string', default: 'warn' },
    env: { type: 'string', multiple: true, default: [] },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]!.replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
  process.exit(0);
}
const positive = (name: string, raw: string) => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive number, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
};
const opts = {
  duration: positive('duration', args.duration),
  connections: Math.round(positive('connections', args.connections)),
  seats: Math.round(positive('seats', args.seats)),
  warmup: Number(args.warmup) || 0,
  logLevel: args['log-level'],
  env: Object.fromEntries(
    args.env.map((kv) => {
      const at = kv.indexOf('=');
      if (at <= 0) {
        process.stderr.write(`--env expects KEY=VALUE, got ${JSON.stringify(kv)}\n`);
        process.exit(2);
      }
      return [kv.slice(0, at), kv.slice(at + 1)];
    }),
  ),
  write: !args['no-write'],
};
const command = ['npx tsx scripts/bench/booking.ts', ...process.argv.slice(2)].join(' ');

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const secs = (ms: number) => `${fmt(ms / 1000, 2)} s`;
const say = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// ---------------------------------------------------------------- intake

interface IntakeTally {
  responses: number;
  pending: number;
  notPending: number;
  parsed: number;
  parsedOk: number;
  samples: string[];
  /** Responses slower than 1 s, by second of the run in which they completed. */
  slowBySecond: Map<number, number>;
}

let seq = 0; // shared by warm-up and measured run, so every request gets a fresh seat/user
const ARENA_SEATS = SEED_EVENTS.find((e) => e.id === INTAKE_EVENT)!.seats.map((s) => s.id);
const userTag = randomBytes(3).toString('hex');
/** Distinct callers, cycled through (tokens are signed before the run). */
const callers = await authorizations(`bench-${userTag}-`, 5000);

function intakeRequests(tally: IntakeTally): RequestSpec[] {
  return [
    {
      method: 'POST',
      path: '/graphql',
      setupRequest(req) {
        const i = seq++;
        req.headers = { 'content-type': 'application/json', authorization: callers[i % callers.length]! };
        req.body = JSON.stringify({ query: MUTATION, variables: { input: { eventId: INTAKE_EVENT, seatIds: [ARENA_SEATS[i % ARENA_SEATS.length]] } } });
        return req;
      },
      onResponse(status, body) {
        tally.responses++;
        if (status === 200 && body.includes('"status":"PENDING"') && !body.includes('"errors"')) tally.pending++;
        else {
          tally.notPending++;
          if (tally.samples.length < 5) tally.samples.push(`${status} ${body.slice(0, 300)}`);
        }
        // A full parse of every 50th answer (cheap enough not to load the generator).
        if (tally.responses % 50 === 1) {
          tally.parsed++;
          try {
            const json = JSON.parse(body) as { data?: { requestBooking?: { id?: string; status?: string } } };
            const b = json.data?.requestBooking;
            if (b?.status === 'PENDING' && /^[0-9a-f-]{36}$/.test(b.id ?? '')) tally.parsedOk++;
          } catch {
            /* counted as not ok */
          }
        }
      },
    },
  ];
}

let running: ReturnType<typeof autocannon> | undefined;
async function cannon(stack: Stack, seconds: number, tally: IntakeTally): Promise<Result> {
  running = autocannon({ url: stack.url, connections: opts.connections, duration: seconds, timeout: 10, requests: intakeRequests(tally) });
  const started = performance.now();
  running.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    if (responseTime > 1000) {
      const second = Math.floor((performance.now() - started) / 1000);
      tally.slowBySecond.set(second, (tally.slowBySecond.get(second) ?? 0) + 1);
    }
  });
  try {
    return await running;
  } finally {
    running = undefined;
  }
}

const newTally = (): IntakeTally => ({ responses: 0, pending: 0, notPending: 0, parsed: 0, parsedOk: 0, samples: [], slowBySecond: new Map() });

// ---------------------------------------------------------------- processing

/** Creates an event with `n` AVAILABLE seats laid out like arena10k (rows of 50) and builds its read model. */
async function createProcessingEvent(stack: Stack, n: number) {
  const sectionsNeeded = Math.ceil(n / 2500);
  const sections = Array.from({ length: sectionsNeeded }, (_, k) => (k < 26 ? String.fromCharCode(65 + k) : `X${k}`));
  const seats = arena(sections, 50, 50).slice(0, n);
  const client = await stack.pg.connect();
  try {
    await seed(pgSql(client), [{ id: PROCESSING_EVENT, name: 'Benchmark venue', venue: `Bench Arena (${n} seats)`, startsAt: '2027-10-01T20:00:00.000Z', seats }]);
  } finally {
    client.release();
  }
  const truth = createSqlTruthSource(pgSql(stack.pg));
  await reconcile({ events: async () => (await truth.events()).filter((e) => e._id === PROCESSING_EVENT), seats: truth.seats }, createMongoReadStore(stack.mongo));
  const { rows: available } = await stack.pg.query<{ seat_id: string }>(
    "SELECT seat_id FROM seats WHERE event_id = $1 AND status = 'AVAILABLE' ORDER BY position",
    [PROCESSING_EVENT],
  );
  return available.map((r) => r.seat_id);
}

async function readModelBooked(stack: Stack, eventId: string): Promise<number> {
  const blocks = await stack.mongo
    .collection<{ counts: Record<string, number> }>(`seat_blocks.${eventId}`)
    .find({}, { projection: { counts: 1 } })
    .toArray();
  return blocks.reduce((n, b) => n + (b.counts?.BOOKED ?? 0), 0);
}

async function pgBooked(stack: Stack, eventId: string): Promise<number> {
  const { rows } = await stack.pg.query<{ n: number }>("SELECT count(*)::int AS n FROM seats WHERE event_id = $1 AND status = 'BOOKED'", [eventId]);
  return rows[0]!.n;
}

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;

/** Messages of `topic` not yet committed by consumer group `groupId` (all partitions). */
async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends.reduce((lag, p) => lag + Math.max(0, Number(p.high) - Math.max(0, done.get(p.partition) ?? 0)), 0);
}

/**
 * Lag of the worker (booking-requests) and of the read-model pipeline: outbox
 * rows not yet published plus seat-status messages not yet applied by the
 * projector. Kafka offsets and one PostgreSQL count: nothing here touches the
 * read store, whose whole-venue reads are expensive on FerretDB and would slow
 * the projector being measured.
 */
async function lags(stack: Stack, admin: Admin) {
  const topics = topicNames(`${stack.name}.`);
  const [worker, projector, { rows }] = await Promise.all([
    groupLag(admin, `${stack.name}.booking-worker`, topics.bookingRequests),
    groupLag(admin, `${stack.name}.events-projector`, topics.seatStatus),
    stack.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox'),
  ]);
  return { worker, outbox: rows[0]!.n, projector };
}

interface BatchLine {
  requests: number;
  ms: number;
  time: number;
}
function workerBatches(stack: Stack, fromByte: number): BatchLine[] {
  const file = `${ROOT}.artifacts/e2e/${stack.name}/worker.log`;
  if (!existsSync(file)) return [];
  const text = readFileSync(file).subarray(fromByte).toString('utf8');
  const out: BatchLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('booking batch committed')) continue;
    try {
      const j = JSON.parse(line) as { requests: number; ms: number; time: number };
      out.push({ requests: j.requests, ms: j.ms, time: j.time });
    } catch {
      /* not JSON */
    }
  }
  return out;
}
const logSize = (stack: Stack, role: string) => {
  try {
    return statSync(`${ROOT}.artifacts/e2e/${stack.name}/${role}.log`).size;
  } catch {
    return 0;
  }
};

// ---------------------------------------------------------------- report

interface Report {
  startedAt: Date;
  machine: ReturnType<typeof machine>;
  stackName: string;
  intake?: {
    result: Result;
    tally: IntakeTally;
    warmup?: { rps: number; tally: IntakeTally };
    cpu: CpuUsage;
    drainMs: number | null;
    readModelDrainMs: number | null;
  };
  processing?: {
    n: number;
    publishMs: number;
    bootMs: number;
    committedMs: number | null;
    firstDecisionToDoneMs: number | null;
    decidedBeforeReady: boolean;
    committed: number;
    statuses: Record<string, number>;
    readModelMs: number | null;
    readModelBooked: number;
    readModelCpu: CpuUsage | null;
    graphqlBooked: number | null;
    cpu: CpuUsage;
    batches: BatchLine[];
  };
  notes: string[];
}

function cpuTable(u: CpuUsage): string[] {
  const lines = ['| Process | CPU-seconds | Avg cores |', '|---|---:|---:|'];
  for (const g of u.groups) if (g.cpuSeconds >= 0.05) lines.push(`| ${g.name} | ${fmt(g.cpuSeconds, 1)} | ${fmt(g.cores, 2)} |`);
  lines.push(`| **machine total** | ${fmt(u.machineCores * u.seconds, 1)} | ${fmt(u.machineCores, 2)} |`);
  return lines;
}

function summaryRows(r: Report): [string, string, string, string][] {
  const rows: [string, string, string, string][] = [];
  const ok = (b: boolean) => (b ? 'yes' : 'no');
  if (r.intake) {
    const { result, tally } = r.intake;
    const rps = result.requests.average;
    const l = result.latency;
    rows.push(['Intake requests/s (mean)', `>= ${fmt(TARGETS.intakeRps)}`, fmt(rps), ok(rps >= TARGETS.intakeRps)]);
    rows.push(['Intake latency p50 / p90', '', `${fmt(l.p50)} / ${fmt(l.p90)} ms`, '']);
    rows.push(['Intake latency p99', `<= ${TARGETS.intakeP99Ms} ms`, `${fmt(l.p99)} ms`, ok(l.p99 <= TARGETS.intakeP99Ms)]);
    rows.push(['Intake latency max', '', `${fmt(l.max)} ms`, '']);
    rows.push(['Intake responses (PENDING / other)', '', `${fmt(tally.responses)} (${fmt(tally.pending)} / ${fmt(tally.notPending)})`, '']);
    rows.push(['Intake non-2xx / errors / timeouts', '0', `${fmt(result.non2xx)} / ${fmt(result.errors)} / ${fmt(result.timeouts)}`, ok(result.non2xx + result.errors === 0)]);
    rows.push(['Intake sample fully parsed (PENDING + uuid)', '', `${fmt(tally.parsedOk)} of ${fmt(tally.parsed)}`, '']);
    rows.push(['Worker backlog after intake (drain time)', '', r.intake.drainMs === null ? 'not drained' : secs(r.intake.drainMs), '']);
    rows.push(['Read model caught up after intake', '', r.intake.readModelDrainMs === null ? 'not within 300 s' : secs(r.intake.readModelDrainMs), '']);
  }
  if (r.processing) {
    const p = r.processing;
    const rate = p.committedMs ? p.n / (p.committedMs / 1000) : NaN;
    rows.push([`Processing: ${fmt(p.n)} seats committed/s (worker ready -> all in bookings)`, `>= ${fmt(TARGETS.seatsPerSec)}`, p.committedMs === null ? `incomplete (${fmt(p.committed)})` : fmt(rate), ok(rate >= TARGETS.seatsPerSec)]);
    rows.push(['Processing: time ready -> all committed', '', p.committedMs === null ? 'n/a' : secs(p.committedMs), '']);
    if (p.firstDecisionToDoneMs !== null) rows.push(['Processing: seats/s first decision -> all committed', '', fmt(p.n / (p.firstDecisionToDoneMs / 1000)), '']);
    rows.push(['Processing: worker boot (spawn -> ready)', '', secs(p.bootMs), '']);
    rows.push(['Processing: outcomes', `${fmt(p.n)} CONFIRMED`, Object.entries(p.statuses).map(([k, v]) => `${k} ${fmt(v)}`).join(', ') || 'none', ok((p.statuses.CONFIRMED ?? 0) === p.n)]);
    rows.push([
      'Processing: read model shows all booked (ready -> Mongo)',
      '',
      p.readModelMs === null ? `not reached (${fmt(p.readModelBooked)})` : `${secs(p.readModelMs)} (${fmt(p.n / (p.readModelMs / 1000))} seats/s)`,
      '',
    ]);
    if (p.graphqlBooked !== null) rows.push(['Processing: GraphQL availability.booked', fmt(p.n), fmt(p.graphqlBooked), ok(p.graphqlBooked === p.n)]);
    if (p.batches.length) {
      const sizes = p.batches.map((b) => b.requests);
      const ms = p.batches.reduce((t, b) => t + b.ms, 0);
      rows.push(['Worker batches (count, mean size, sum of commit ms)', '', `${p.batches.length}, ${fmt(sizes.reduce((a, b) => a + b, 0) / sizes.length)}, ${fmt(ms)} ms`, '']);
    }
  }
  return rows;
}

function printReport(r: Report) {
  const rows = summaryRows(r);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[['Figure', 'Target', 'Measured', 'Met'], ...rows].map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  const out = [line(['Figure', 'Target', 'Measured', 'Met']), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)];
  process.stdout.write(`\n${out.join('\n')}\n`);
  const cpuOut = (title: string, u: CpuUsage) => {
    process.stdout.write(`\nCPU, ${title} (${fmt(u.seconds, 1)} s, machine ${fmt(u.machineCores, 2)} of ${r.machine.nproc} cores busy):\n`);
    for (const g of u.groups) if (g.cpuSeconds >= 0.05) process.stdout.write(`  ${g.name.padEnd(38)} ${fmt(g.cpuSeconds, 1).padStart(6)} CPU-s  ${fmt(g.cores, 2).padStart(5)} cores\n`);
  };
  if (r.intake) cpuOut('intake (measured window)', r.intake.cpu);
  if (r.processing) cpuOut('processing (worker ready -> all committed)', r.processing.cpu);
  if (r.processing?.readModelCpu) cpuOut('read model catching up (all committed -> projector lag 0)', r.processing.readModelCpu);
  for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
}

function docSection(r: Report): string {
  const m = r.machine;
  const headline: string[] = [];
  if (r.intake) headline.push(`intake ${fmt(r.intake.result.requests.average)} req/s, p99 ${fmt(r.intake.result.latency.p99)} ms`);
  if (r.processing?.committedMs) headline.push(`processing ${fmt(r.processing.n / (r.processing.committedMs / 1000))} seats/s`);
  const lines = [
    `## ${r.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} — ${headline.join('; ')}`,
    '',
    `- Machine: ${m.nproc} cores (\`nproc\`), ${m.model}, ${fmt(m.memGiB, 1)} GiB RAM, Node ${m.node}, ${m.kernel}; load average at start ${m.loadAtStart.map((x) => x.toFixed(2)).join(' / ')}.`,
    `- All services and the load generator share the ${m.nproc} cores: PostgreSQL, Redis, Kafka, FerretDB, NGINX, the six app processes and autocannon.`,
    `- Command: \`${command}\` (warm-up ${opts.warmup} s not counted; app log level \`${opts.logLevel}\`).`,
    `- Code: ${m.commit}; stack \`${r.stackName}\`.`,
    '',
    '| Figure | Target | Measured | Met |',
    '|---|---|---|---|',
    ...summaryRows(r).map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  if (r.intake) lines.push(`CPU during intake (${fmt(r.intake.cpu.seconds, 1)} s):`, '', ...cpuTable(r.intake.cpu), '');
  if (r.processing) lines.push(`CPU during processing, worker ready -> all committed (${fmt(r.processing.cpu.seconds, 1)} s):`, '', ...cpuTable(r.processing.cpu), '');
  if (r.processing?.readModelCpu)
    lines.push(`CPU while the read model catches up, all committed -> projector lag 0 (${fmt(r.processing.readModelCpu.seconds, 1)} s):`, '', ...cpuTable(r.processing.readModelCpu), '');
  if (r.notes.length) lines.push(...r.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

const INTRO = `# Benchmarks

Figures from \`scripts/bench/booking.ts\`, which starts an isolated stack
(\`startStack\` from \`@booking/testkit\`: bookings and events subgraphs, worker,
outbox relay, projector, gateway, a private NGINX) on the local services and
measures two things:

- **Intake**: \`requestBooking\` mutations through NGINX with autocannon, a fixed
  number of connections for a fixed time, one seat of \`arena10k\` and a fresh
  user per request; requests/s and latency until the PENDING answer.
- **Processing**: N one-seat requests for N distinct AVAILABLE seats are put on
  the \`booking-requests\` topic while the worker is stopped; the worker is
  started and timed until all N bookings are in PostgreSQL (seats committed/s),
  and until the read model (Mongo seat blocks) shows them booked. The seats
  belong to a \`bench_processing\` event created for the run, laid out like
  \`arena10k\` (rows of 50 seats), because the intake phase books arena10k.

Targets: intake >= 2,000 requests/s at p99 <= 100 ms; processing >= 2,000
seats/s; all services on the machine's 2 cores. Every service and the load
generator run on the same machine, so figures are noisy: each run is recorded
as measured, newest first.

<!-- runs: new sections are inserted below this line -->
`;
const MARKER = '<!-- runs: new sections are inserted below this line -->';


// ---------------------------------------------------------------- main

let stackStarting: Promise<Stack> | undefined;
let stopping: Promise<void> | undefined;
const stopStack = () =>
  (stopping ??= (async () => {
    running?.stop();
    const stack = await stackStarting?.catch(() => undefined);
    if (stack) {
      say('stopping the stack');
      await stack.stop().catch((error: Error) => say(`stack stop failed: ${error.message}`));
    }
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping`);
    void stopStack().finally(() => process.exit(130));
  });
}

async function main() {
  const report: Report = { startedAt: new Date(), machine: machine(), stackName: '', notes: [] };
  say(`starting the stack (log level ${opts.logLevel})`);
  stackStarting = startStack('bench', { LOG_LEVEL: opts.logLevel, ...opts.env });
  const stack = await stackStarting;
  report.stackName = stack.name;
  const nginxPrefix = `${ROOT}.artifacts/e2e/${stack.name}/nginx`;
  const kafkaLog = pino({ level: 'error' });
  const kafka = createKafka('bench', serviceEnv().kafkaBrokers.split(','), kafkaLog);
  say(`stack ${stack.name} up at ${stack.url}`);

  say(`creating ${PROCESSING_EVENT} with ${fmt(opts.seats)} seats for the processing phase`);
  const processingSeats = await createProcessingEvent(stack, opts.seats);
  if (processingSeats.length < opts.seats) throw new Error(`only ${processingSeats.length} AVAILABLE seats in ${PROCESSING_EVENT}`);

  // ---- intake
  let warmup: { rps: number; tally: IntakeTally } | undefined;
  if (opts.warmup > 0) {
    say(`intake warm-up: ${opts.warmup} s at ${opts.connections} connections`);
    const tally = newTally();
    const w = await cannon(stack, opts.warmup, tally);
    warmup = { rps: w.requests.average, tally };
  }
  if (stopping) return;
  say(`intake: ${opts.duration} s at ${opts.connections} connections through ${stack.graphqlUrl}`);
  const tally = newTally();
  const c0 = cpuSnapshot();
  const result = await cannon(stack, opts.duration, tally);
  const c1 = cpuSnapshot();
  const intakeEnd = performance.now();
  if (stopping) return;
  say(`intake: ${fmt(result.requests.average)} req/s, p99 ${result.latency.p99} ms; waiting for the worker to drain the backlog`);

  const admin = kafka.admin();
  await admin.connect();
  try {
    return await measure(stack, report, { admin, kafka, nginxPrefix, processingSeats, intake: { result, tally, warmup, c0, c1, intakeEnd } });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function measure(
  stack: Stack,
  report: Report,
  ctx: {
    admin: Admin;
    kafka: ReturnType<typeof createKafka>;
    nginxPrefix: string;
    processingSeats: string[];
    intake: { result: Result; tally: IntakeTally; warmup?: { rps: number; tally: IntakeTally }; c0: CpuSnapshot; c1: CpuSnapshot; intakeEnd: number };
  },
) {
  const { admin, kafka, nginxPrefix, processingSeats } = ctx;
  const { result, tally, warmup, c0, c1, intakeEnd } = ctx.intake;
  let drainMs: number | null = null;
  let readModelDrainMs: number | null = null;
  for (const deadline = intakeEnd + 300_000; performance.now() < deadline && !stopping; await sleep(250)) {
    const lag = await lags(stack, admin);
    if (drainMs === null && lag.worker === 0) drainMs = performance.now() - intakeEnd;
    if (drainMs !== null && lag.outbox === 0 && lag.projector === 0) {
      readModelDrainMs = performance.now() - intakeEnd;
      break;
    }
  }
  const [truthBooked, readBooked] = await Promise.all([pgBooked(stack, INTAKE_EVENT), readModelBooked(stack, INTAKE_EVENT)]);
  if (truthBooked !== readBooked) report.notes.push(`intake: after the drain the read model shows ${readBooked} booked ${INTAKE_EVENT} seats, PostgreSQL ${truthBooked}`);
  report.intake = { result, tally, warmup, cpu: cpuUsage(c0, c1, nginxPrefix), drainMs, readModelDrainMs };
  if (tally.slowBySecond.size > 0)
    report.notes.push(
      `intake: responses slower than 1 s, by second of the run they completed in: ${[...tally.slowBySecond].sort((a, b) => a[0] - b[0]).map(([sec, k]) => `${sec}s:${k}`).join(', ')}`,
    );
  if (tally.notPending > 0) report.notes.push(`intake: ${tally.notPending} answers were not PENDING; first: ${tally.samples.map((s) => `\`${s.replace(/\|/g, '\\|')}\``).join('; ')}`);
  if (drainMs === null) report.notes.push('intake: the worker did not drain the intake backlog within 300 s; processing figures include the rest of it');
  if (readModelDrainMs === null) report.notes.push('intake: the read model had not caught up within 300 s of the end of intake (outbox or projector lag left)');
  if (stopping) return;
  say(`backlog drained ${drainMs === null ? 'NOT' : `after ${secs(drainMs)}`}; read model ${readModelDrainMs === null ? 'NOT caught up' : `caught up after ${secs(readModelDrainMs)}`}`);

  // ---- processing
  const n = opts.seats;
  say('processing: stopping the worker');
  await stack.kill('worker');
  const producer = createProducer(kafka);
  await producer.connect();
  const topic = topicNames(`${stack.name}.`).bookingRequests;
  const requestIds: string[] = [];
  const p0 = performance.now();
  const requestedAt = new Date().toISOString();
  for (let i = 0; i < n; i += 1000) {
    const messages = processingSeats.slice(i, Math.min(n, i + 1000)).map((seatId, k) => {
      const message: BookingRequestMessage = { requestId: randomUUID(), eventId: PROCESSING_EVENT, userId: `benchp-${userTag}-${i + k}`, seatIds: [seatId], requestedAt };
      requestIds.push(message.requestId);
      return { key: message.eventId, value: JSON.stringify(message) };
    });
    await producer.send({ topic, messages });
  }
  const publishMs = performance.now() - p0;
  await producer.disconnect();
  say(`processing: published ${fmt(n)} requests in ${secs(publishMs)}; starting the worker`);

  const workerLogFrom = logSize(stack, 'worker');
  const s0 = performance.now();
  await stack.start('worker');
  const ready = performance.now();
  const readyWall = Date.now();
  const cp0 = cpuSnapshot();
  let cp1: CpuSnapshot | undefined;
  let cp2: CpuSnapshot | undefined;
  let committedMs: number | null = null;
  let committedWall = 0;
  let committed = 0;
  let readModelMs: number | null = null;
  for (const deadline = ready + 600_000; performance.now() < deadline && !stopping; await sleep(100)) {
    if (committedMs === null) {
      const { rows } = await stack.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM bookings WHERE event_id = $1', [PROCESSING_EVENT]);
      committed = rows[0]!.n;
      if (committed >= n) {
        committedMs = performance.now() - ready;
        committedWall = Date.now();
        cp1 = cpuSnapshot();
        say(`processing: all ${fmt(n)} committed ${secs(committedMs)} after worker ready; waiting for the read model`);
      }
    } else {
      const lag = await lags(stack, admin);
      if (lag.worker === 0 && lag.outbox === 0 && lag.projector === 0) {
        readModelMs = performance.now() - ready;
        cp2 = cpuSnapshot();
        break;
      }
      await sleep(150);
    }
  }
  // One whole-venue read to confirm what the lags say.
  const booked = await readModelBooked(stack, PROCESSING_EVENT);
  if (readModelMs !== null && booked < n) {
    report.notes.push(`processing: with no lag left the read model showed ${booked} of ${n} booked; timed until it showed all`);
    readModelMs = null;
    for (const deadline = ready + 600_000; performance.now() < deadline && !stopping; await sleep(2000)) {
      if ((await readModelBooked(stack, PROCESSING_EVENT)) >= n) {
        readModelMs = performance.now() - ready;
        break;
      }
    }
  }
  cp1 ??= cpuSnapshot();
  if (stopping) return;
  const { rows: statusRows } = await stack.pg.query<{ status: string; n: number }>(
    'SELECT status::text AS status, count(*)::int AS n FROM bookings WHERE id = ANY($1::uuid[]) GROUP BY status',
    [requestIds],
  );
  const { rows: span } = await stack.pg.query<{ first: Date | null }>('SELECT min(decided_at) AS first FROM bookings WHERE event_id = $1', [PROCESSING_EVENT]);
  const firstDecision = span[0]?.first?.getTime() ?? null;
  const availability = await gql<{ event: { availability: { booked: number } } | null }>(stack.graphqlUrl, `{ event(id: "${PROCESSING_EVENT}") { availability { booked } } }`).catch(() => null);
  report.processing = {
    n,
    publishMs,
    bootMs: ready - s0,
    committedMs,
    firstDecisionToDoneMs: firstDecision !== null && committedMs !== null ? committedWall - firstDecision : null,
    decidedBeforeReady: firstDecision !== null && firstDecision < readyWall,
    committed,
    statuses: Object.fromEntries(statusRows.map((r) => [r.status, r.n])),
    readModelMs,
    readModelBooked: booked,
    readModelCpu: cp1 && cp2 ? cpuUsage(cp1, cp2, nginxPrefix) : null,
    graphqlBooked: availability?.data?.event?.availability.booked ?? null,
    cpu: cpuUsage(cp0, cp1, nginxPrefix),
    batches: workerBatches(stack, workerLogFrom),
  };
  if (report.processing.decidedBeforeReady)
    report.notes.push(`processing: the worker decided its first batch ${fmt(readyWall - firstDecision!)} ms before its readiness was observed; "first decision -> all committed" is the fairer rate`);
  report.notes.push(
    'processing: the bench polls PostgreSQL (bookings count) every 100 ms, then outbox count and Kafka consumer offsets every 250 ms; the read model is read once at the end, as whole-venue reads are costly on FerretDB.',
  );
  if (report.processing.batches.length === 0 && opts.logLevel !== 'info' && opts.logLevel !== 'debug')
    report.notes.push('worker batch lines are logged at info; run with `--log-level info` to get batch sizes and commit times');

  printReport(report);
  if (opts.write) recordRun(MARKER, INTRO, docSection(report));
}

try {
  await main();
} catch (error) {
  say(`failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  await stopStack();
}
process.exit(process.exitCode ?? 0);
