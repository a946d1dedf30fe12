/**
 * Subscription fan-out benchmark against a real local stack.
 *
 *   npx tsx scripts/bench/fanout.ts [--subscribers 1000,5000,10000] [--changes 20] [--single 50]
 *                                   [--clients 3] [--log-level warn] [--no-write]
 *
 * One gateway process (the stack's). Subscribers speak graphql-ws
 * (graphql-transport-ws) from --clients child processes, straight to the
 * gateway's port: through NGINX every socket would count twice against its
 * worker_connections (16,384 per worker) and NGINX would share the 2 cores.
 * Each subscribes to `seatStatusChanged(eventId: "arena10k") { seatId status version }`.
 *
 * Changes are one-seat booking requests put straight on the stack's
 * `booking-requests` topic, one after another, so the gateway serves nothing
 * but the subscribers.
 *
 * 1. Single changes: a few subscribers, no other load; --single one-seat
 *    bookings one after another; commit -> first subscriber.
 * 2. For each N: subscribers are added up to N; memory per idle subscriber is
 *    the growth of the gateway's heap + external memory (after a forced GC)
 *    and of its RSS since before any subscriber, divided by N; then --changes
 *    one-seat bookings one after another, each fanned out to all N: latency
 *    from commit to receipt at every subscriber, and the gateway's CPU.
 *
 * Commit time: the worker's transaction runs pg_notify('outbox') and
 * PostgreSQL delivers a notification only when that transaction commits; the
 * benchmark LISTENs on the stack's database and stamps each notification on
 * arrival. That is later than the commit by the delivery alone (well under a
 * millisecond on this machine), whereas `changedAt` in the message is taken
 * inside the transaction before its inserts and would add their duration.
 * Receipt: the time a client process's `message` handler starts, before
 * parsing. Both clocks are the same wall clock (performance.timeOrigin +
 * performance.now()).
 *
 * Prints a table and, unless --no-write, inserts a dated section into
 * docs/benchmarks.md under "Subscription fan-out".
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import WebSocket from 'ws';
import { topicNames, type BookingRequestMessage } from '@booking/contracts';
import { createKafka, createProducer } from '@booking/service-kit';
import { serviceEnv, startStack, type Stack } from '@booking/testkit';
import { cpuSnapshot, cpuUsage, type CpuUsage } from './cpu.ts';
import { machine, recordRun, runBenchmark } from './report.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EVENT = 'arena10k';
const QUERY = 'subscription($eventId: ID!) { seatStatusChanged(eventId: $eventId) { seatId status version } }';
const TARGETS = { p99Ms: 1000, bytesPerSubscriber: 10 * 1024, firstP99Ms: 50 };
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- subscriber processes

type ToClient = { type: 'connect'; url: string; count: number } | { type: 'take'; seatId: string } | { type: 'close' };
type FromClient =
  | { type: 'connected'; open: number; failed: number }
  | { type: 'complete'; seatId: string }
  | { type: 'times'; seatId: string; times: number[] }
  | { type: 'closed'; code: number };

/** A child process holding many subscriber sockets; reports receipt times per seat. */
function runClient() {
  const send = (m: FromClient) => process.send!(m);
  const sockets: WebSocket[] = [];
  const received = new Map<string, number[]>();
  let open = 0;

  const connectOne = (url: string) =>
    new Promise<boolean>((resolve) => {
      const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
      let acked = false;
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      ws.on('message', (data) => {
        const at = now();
        const message = JSON.parse(String(data)) as { type: string; payload?: { data?: { seatStatusChanged?: { seatId: string } } } };
        if (message.type === 'next') {
          const seatId = message.payload?.data?.seatStatusChanged?.seatId;
          if (!seatId) return;
          const times = received.get(seatId) ?? [];
          times.push(at);
          received.set(seatId, times);
          if (times.length === open) send({ type: 'complete', seatId });
        } else if (message.type === 'connection_ack') {
          acked = true;
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { eventId: EVENT } } }));
          sockets.push(ws);
          open++;
          resolve(true);
        }
      });
      ws.on('error', () => resolve(false));
      ws.on('close', (code) => {
        if (acked) {
          open--;
          send({ type: 'closed', code });
        } else resolve(false);
      });
    });

  process.on('message', async (m: ToClient) => {
    if (m.type === 'connect') {
      let failed = 0;
      for (let done = 0; done < m.count; done += 100) {
        const results = await Promise.all(Array.from({ length: Math.min(100, m.count - done) }, () => connectOne(m.url)));
        failed += results.filter((ok) => !ok).length;
      }
      send({ type: 'connected', open, failed });
    } else if (m.type === 'take') {
      send({ type: 'times', seatId: m.seatId, times: received.get(m.seatId) ?? [] });
      received.delete(m.seatId);
    } else {
      for (const ws of sockets) ws.terminate();
      process.exit(0);
    }
  });
}

class Clients {
  private children: ChildProcess[] = [];
  private waiting = new Map<string, (m: FromClient) => void>();
  private complete = new Map<string, number>();
  unexpectedCloses = 0;
  open = 0;

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const child = fork(fileURLToPath(import.meta.url), ['--client'], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m: FromClient) => {
        if (m.type === 'complete') this.complete.set(m.seatId, (this.complete.get(m.seatId) ?? 0) + 1);
        else if (m.type === 'closed') this.unexpectedCloses++;
        else this.waiting.get(`${child.pid}:${m.type}`)?.(m);
      });
      this.children.push(child);
    }
  }

  private ask<T extends FromClient>(child: ChildProcess, m: ToClient, reply: T['type']): Promise<T> {
    return new Promise((resolve) => {
      this.waiting.set(`${child.pid}:${reply}`, (r) => {
        this.waiting.delete(`${child.pid}:${reply}`);
        resolve(r as T);
      });
      child.send(m);
    });
  }

  /** Spreads `total` more subscribers evenly over the processes. */
  async add(url: string, total: number) {
    const per = this.children.map((_, i) => Math.floor(total / this.children.length) + (i < total % this.children.length ? 1 : 0));
    const replies = await Promise.all(this.children.map((c, i) => this.ask<Extract<FromClient, { type: 'connected' }>>(c, { type: 'connect', url, count: per[i]! }, 'connected')));
    this.open = replies.reduce((n, r) => n + r.open, 0);
    return replies.reduce((n, r) => n + r.failed, 0);
  }

  /** True once every process has seen `seatId` on all of its sockets. */
  allHave(seatId: string) {
    return (this.complete.get(seatId) ?? 0) >= this.children.length;
  }

  async take(seatId: string): Promise<number[]> {
    const replies = await Promise.all(this.children.map((c) => this.ask<Extract<FromClient, { type: 'times' }>>(c, { type: 'take', seatId }, 'times')));
    this.complete.delete(seatId);
    return replies.flatMap((r) => r.times);
  }

  pids() {
    return this.children.map((c) => c.pid!);
  }

  async close() {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.send({ type: 'close' });
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
  }
}

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const say = (msg: string) => process.stderr.write(`[fanout ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN);
const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 2): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(intervalMs);
  }
  return false;
}

async function metrics(stack: Stack, gc = false): Promise<Record<string, number>> {
  const text = await (await fetch(`${stack.gatewayUrl}/metrics${gc ? '?gc=1' : ''}`)).text();
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.split(' ')[0]!, Number(l.split(' ')[1])]),
  );
}

/** Gateway memory after a full collection (lowest of three reads) and its RSS. */
async function gatewayMemory(stack: Stack) {
  let retained = Infinity;
  let rss = Infinity;
  for (let i = 0; i < 3; i++) {
    const m = await metrics(stack, true);
    retained = Math.min(retained, m.nodejs_heap_used_bytes! + m.nodejs_external_memory_bytes!);
    rss = Math.min(rss, m.process_resident_memory_bytes!);
    await sleep(200);
  }
  return { retained, rss };
}

/** Stamps the arrival of each commit notification of the stack's database. */
async function commitClock(stack: Stack) {
  const { rows } = await stack.pg.query<{ db: string }>('SELECT current_database() AS db');
  const client = new pg.Client({ connectionString: Object.assign(new URL(serviceEnv().databaseUrl), { pathname: `/${rows[0]!.db}` }).toString() });
  await client.connect();
  const commits: number[] = [];
  client.on('notification', () => commits.push(now()));
  await client.query('LISTEN outbox');
  return { commits, stop: () => client.end() };
}

let seatNo = 0;
const nextSeat = () => {
  const i = seatNo++;
  return `A_R${Math.floor(i / 50) + 1}_S${(i % 50) + 1}`;
};

interface Change {
  seatId: string;
  commitAt: number;
  times: number[];
  missing: number;
}

/**
 * Publishes booking requests straight to the stack's `booking-requests`
 * topic, so the gateway's CPU during a fan-out is the fan-out's alone.
 */
async function bookingPublisher(stack: Stack) {
  const producer = createProducer(createKafka('fanout-bench', serviceEnv().kafkaBrokers.split(','), pino({ level: 'error' })));
  await producer.connect();
  const topic = topicNames(`${stack.name}.`).bookingRequests;
  return {
    async book(seatId: string) {
      const message: BookingRequestMessage = { requestId: randomUUID(), eventId: EVENT, userId: `fan-${seatId}`, seatIds: [seatId], requestedAt: new Date().toISOString() };
      await producer.send({ topic, messages: [{ key: EVENT, value: JSON.stringify(message) }] });
    },
    stop: () => producer.disconnect(),
  };
}
let publisher: Awaited<ReturnType<typeof bookingPublisher>>;

/** Books one seat, waits for its commit and for every subscriber to receive it. */
async function oneChange(clock: Awaited<ReturnType<typeof commitClock>>, clients: Clients, timeoutMs = 30_000): Promise<Change> {
  const seatId = nextSeat();
  const seen = clock.commits.length;
  await publisher.book(seatId);
  if (!(await waitUntil(() => clock.commits.length > seen, 10_000))) throw new Error(`no commit seen for ${seatId}`);
  const commitAt = clock.commits[seen]!;
  await waitUntil(() => clients.allHave(seatId), timeoutMs);
  await sleep(20); // the last 'complete' report may trail the last receipt
  const times = await clients.take(seatId);
  return { seatId, commitAt, times, missing: clients.open - times.length };
}

// ---------------------------------------------------------------- report

interface Level {
  n: number;
  connectSeconds: number;
  failedConnects: number;
  retainedPerSub: number;
  rssPerSub: number;
  latencies: number[];
  firsts: number[];
  lasts: number[];
  missing: number;
  changes: number;
  gatewayCpuSeconds: number;
  cpu: CpuUsage;
}

interface Report {
  startedAt: Date;
  machine: ReturnType<typeof machine>;
  stackName: string;
  single: { firsts: number[]; subscribers: number };
  baseline: { retained: number; rss: number };
  levels: Level[];
  notes: string[];
}

function rows(r: Report): [string, string, string, string][] {
  const out: [string, string, string, string][] = [];
  const ok = (b: boolean) => (b ? 'yes' : 'no');
  const f = sortNum(r.single.firsts);
  out.push([`Single changes (${r.single.firsts.length}, ${r.single.subscribers} subscribers): commit -> first, p50 / p99 / max`, `p99 <= ${TARGETS.firstP99Ms} ms`, `${fmt(pct(f, 0.5), 1)} / ${fmt(pct(f, 0.99), 1)} / ${fmt(f.at(-1)!, 1)} ms`, ok(pct(f, 0.99) <= TARGETS.firstP99Ms)]);
  for (const l of r.levels) {
    const lat = sortNum(l.latencies);
    const firsts = sortNum(l.firsts);
    const lasts = sortNum(l.lasts);
    const tag = `N=${fmt(l.n)}`;
    out.push([`${tag}: commit -> receipt, all subscribers x ${l.changes} changes, p50 / p99 / max`, l.n === 10_000 ? `p99 <= ${fmt(TARGETS.p99Ms)} ms` : '', `${fmt(pct(lat, 0.5))} / ${fmt(pct(lat, 0.99))} / ${fmt(lat.at(-1)!)} ms`, l.n === 10_000 ? ok(pct(lat, 0.99) <= TARGETS.p99Ms) : '']);
    out.push([`${tag}: commit -> first subscriber, p50 / p99 of changes`, '', `${fmt(pct(firsts, 0.5), 1)} / ${fmt(pct(firsts, 0.99), 1)} ms`, '']);
    out.push([`${tag}: commit -> last subscriber, p50 / max of changes`, '', `${fmt(pct(lasts, 0.5))} / ${fmt(lasts.at(-1)!)} ms`, '']);
    out.push([`${tag}: deliveries missing after 30 s`, '0', fmt(l.missing), ok(l.missing === 0)]);
    out.push([
      `${tag}: gateway memory per idle subscriber, heap+external after GC / RSS`,
      l.n === 10_000 ? `<= ${fmt(TARGETS.bytesPerSubscriber / 1024)} KB` : '',
      `${fmt(l.retainedPerSub / 1024, 1)} / ${fmt(l.rssPerSub / 1024, 1)} KB`,
      l.n === 10_000 ? ok(Math.max(l.retainedPerSub, l.rssPerSub) <= TARGETS.bytesPerSubscriber) : '',
    ]);
    const span = l.cpu.seconds;
    out.push([`${tag}: gateway CPU during the fan-outs`, '', `${fmt(l.gatewayCpuSeconds, 2)} CPU-s in ${fmt(span, 1)} s (${fmt((l.gatewayCpuSeconds / l.changes) * 1000)} ms per change, ${fmt((l.gatewayCpuSeconds / l.changes / l.n) * 1e6, 1)} µs per delivery)`, '']);
    out.push([`${tag}: subscribers connected (s, failed)`, '', `${fmt(l.connectSeconds, 1)} s, ${fmt(l.failedConnects)} failed`, '']);
  }
  return out;
}

function cpuTable(u: CpuUsage): string[] {
  const lines = ['| Process | CPU-seconds | Avg cores |', '|---|---:|---:|'];
  for (const g of u.groups) if (g.cpuSeconds >= 0.05) lines.push(`| ${g.name} | ${fmt(g.cpuSeconds, 1)} | ${fmt(g.cores, 2)} |`);
  lines.push(`| **machine total** | ${fmt(u.machineCores * u.seconds, 1)} | ${fmt(u.machineCores, 2)} |`);
  return lines;
}

function printReport(r: Report) {
  const all = rows(r);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[['Figure', 'Target', 'Measured', 'Met'], ...all].map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  process.stdout.write(`\n${[line(['Figure', 'Target', 'Measured', 'Met']), widths.map((w) => '-'.repeat(w)).join('-+-'), ...all.map(line)].join('\n')}\n`);
  for (const l of r.levels) {
    process.stdout.write(`\nCPU, N=${fmt(l.n)} fan-outs (${fmt(l.cpu.seconds, 1)} s, machine ${fmt(l.cpu.machineCores, 2)} cores busy):\n`);
    for (const g of l.cpu.groups) if (g.cpuSeconds >= 0.05) process.stdout.write(`  ${g.name.padEnd(38)} ${fmt(g.cpuSeconds, 1).padStart(6)} CPU-s  ${fmt(g.cores, 2).padStart(5)} cores\n`);
  }
  for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
}

const INTRO = `# Subscription fan-out

Figures from \`scripts/bench/fanout.ts\` (its header explains the method): one
gateway process, subscribers on \`seatStatusChanged(eventId: "arena10k") { seatId status version }\`
connected straight to the gateway's port from child processes of the
benchmark, one-seat booking requests put on Kafka one after another (so the
gateway's CPU is the fan-out's alone). Commit time is the arrival
of PostgreSQL's NOTIFY from the committing transaction at a listener in the
benchmark; receipt is the start of the client's message handler.

Targets: 10,000 subscribers of one event, commit -> receipt p99 <= 1 s and
<= 10 KB of gateway memory per idle subscriber; commit -> first subscriber
p99 <= 50 ms for single changes without load. Newest run first.

<!-- fan-out runs: new sections are inserted below this line -->
`;
const MARKER = '<!-- fan-out runs: new sections are inserted below this line -->';

function docSection(r: Report, command: string): string {
  const m = r.machine;
  const top = r.levels.at(-1);
  const headline = top ? `N=${fmt(top.n)} p99 ${fmt(pct(sortNum(top.latencies), 0.99))} ms, ${fmt(top.retainedPerSub / 1024, 1)} KB/subscriber; single change commit -> first p99 ${fmt(pct(sortNum(r.single.firsts), 0.99), 1)} ms` : '';
  const lines = [
    `## ${r.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} — ${headline}`,
    '',
    `- Machine: ${m.nproc} cores (\`nproc\`), ${m.model}, ${fmt(m.memGiB, 1)} GiB RAM, Node ${m.node}, ${m.kernel}; load average at start ${m.loadAtStart.map((x) => x.toFixed(2)).join(' / ')}.`,
    `- Everything shares the ${m.nproc} cores: the services, the stack's processes, the subscriber processes and the benchmark; other work on the machine shows as "rest of machine".`,
    `- Command: \`${command}\`.`,
    `- Code: ${m.commit}; stack \`${r.stackName}\`. Gateway before any subscriber: heap+external after GC ${fmt(r.baseline.retained / 2 ** 20, 1)} MiB, RSS ${fmt(r.baseline.rss / 2 ** 20, 1)} MiB.`,
    '',
    '| Figure | Target | Measured | Met |',
    '|---|---|---|---|',
    ...rows(r).map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  for (const l of r.levels) lines.push(`CPU during the N=${fmt(l.n)} fan-outs (${fmt(l.cpu.seconds, 1)} s):`, '', ...cpuTable(l.cpu), '');
  if (r.notes.length) lines.push(...r.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}


// ---------------------------------------------------------------- main

async function main() {
  const { values: args } = parseArgs({
    options: {
      subscribers: { type: 'string', default: '1000,5000,10000' },
      changes: { type: 'string', default: '20' },
      single: { type: 'string', default: '50' },
      clients: { type: 'string', default: '3' },
      'log-level': { type: 'string', default: 'warn' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (args.help) {
    process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]!.replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
    return;
  }
  const levels = args.subscribers.split(',').map(Number);
  const changes = Number(args.changes);
  const single = Number(args.single);
  const clientCount = Number(args.clients);
  if ([...levels, changes, single, clientCount].some((n) => !Number.isInteger(n) || n <= 0) || levels.some((n, i) => i > 0 && n <= levels[i - 1]!)) {
    throw new Error('--subscribers takes increasing positive integers; --changes, --single and --clients positive integers');
  }
  const command = ['npx tsx scripts/bench/fanout.ts', ...process.argv.slice(2)].join(' ');
  const report: Report = { startedAt: new Date(), machine: machine(), stackName: '', single: { firsts: [], subscribers: 0 }, baseline: { retained: 0, rss: 0 }, levels: [], notes: [] };

  say('starting the stack');
  const stack = await startStack('fanout', { LOG_LEVEL: args['log-level'], NODE_OPTIONS: '--expose-gc' });
  report.stackName = stack.name;
  const nginxPrefix = stack.nginxPrefix;
  const wsUrl = `${stack.gatewayUrl.replace(/^http/, 'ws')}/graphql`;
  const clock = await commitClock(stack);
  publisher = await bookingPublisher(stack);
  let clients: Clients | undefined;
  const stopAll = async () => {
    await clients?.close();
    await clock.stop().catch(() => undefined);
    await publisher?.stop().catch(() => undefined);
    await stack.stop();
  };
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
  try {
    // ---- single changes, few subscribers
    const few = new Clients(1);
    clients = few;
    report.single.subscribers = 10;
    await few.add(wsUrl, report.single.subscribers);
    for (let i = 0; i < 3; i++) await oneChange(clock, few); // warm-up, and proof of subscription
    say(`single changes: ${single} with ${report.single.subscribers} subscribers`);
    for (let i = 0; i < single; i++) {
      const c = await oneChange(clock, few, 5_000);
      if (c.times.length) report.single.firsts.push(Math.min(...c.times) - c.commitAt);
      await sleep(100);
    }
    await few.close();
    await waitUntil(async () => (await metrics(stack)).gateway_ws_connections === 0, 10_000, 100);

    // ---- fan-out to N
    report.baseline = await gatewayMemory(stack);
    clients = new Clients(clientCount);
    let connected = 0;
    for (const n of levels) {
      say(`connecting ${fmt(n - connected)} more subscribers (to ${fmt(n)})`);
      const t0 = performance.now();
      const failed = await clients.add(wsUrl, n - connected);
      connected = n;
      const connectSeconds = (performance.now() - t0) / 1000;
      // Subscribed once a change reaches every socket.
      for (let i = 0; i < 5; i++) {
        const probe = await oneChange(clock, clients);
        if (probe.missing === 0) break;
      }
      await sleep(1_000);
      const memory = await gatewayMemory(stack);
      say(`N=${fmt(clients.open)}: ${fmt(connectSeconds, 1)} s to connect; fanning out ${changes} changes`);
      const before = cpuSnapshot();
      const measured: Change[] = [];
      for (let i = 0; i < changes; i++) {
        measured.push(await oneChange(clock, clients));
        await sleep(100);
      }
      const after = cpuSnapshot();
      const cpu = cpuUsage(before, after, nginxPrefix);
      const level: Level = {
        n: clients.open,
        connectSeconds,
        failedConnects: failed,
        retainedPerSub: (memory.retained - report.baseline.retained) / clients.open,
        rssPerSub: (memory.rss - report.baseline.rss) / clients.open,
        latencies: measured.flatMap((c) => c.times.map((t) => t - c.commitAt)),
        firsts: measured.filter((c) => c.times.length).map((c) => Math.min(...c.times) - c.commitAt),
        lasts: measured.filter((c) => c.times.length).map((c) => Math.max(...c.times) - c.commitAt),
        missing: measured.reduce((k, c) => k + c.missing, 0),
        changes,
        gatewayCpuSeconds: cpu.groups.find((g) => g.name === 'gateway')?.cpuSeconds ?? NaN,
        cpu,
      };
      report.levels.push(level);
      const lat = sortNum(level.latencies);
      say(`N=${fmt(level.n)}: p50 ${fmt(pct(lat, 0.5))} ms, p99 ${fmt(pct(lat, 0.99))} ms, max ${fmt(lat.at(-1)!)} ms; ${fmt(level.retainedPerSub / 1024, 1)} KB/subscriber`);
    }
    if (clients.unexpectedCloses > 0) report.notes.push(`${clients.unexpectedCloses} subscriber sockets were closed by the gateway during the run`);
    report.notes.push('Receipt times include queueing in the subscriber processes, which share the 2 cores with the gateway; their CPU is in the tables.');
    report.notes.push(
      'RSS per subscriber is only meaningful at the largest N: the allocator keeps or returns pages regardless of the forced GC, so small-N RSS deltas are noise (they can be negative). Heap + external after GC is the steadier figure.',
    );
    report.notes.push(
      'Commit -> first subscriber grows with N because one change reaches every subscription in the same turn of the event loop and their steps interleave as microtasks; the first socket write waits for part of the others.',
    );
    printReport(report);
    if (!args['no-write']) recordRun(MARKER, INTRO, docSection(report, command));
  } finally {
    await stopAll();
  }
}

if (process.argv.includes('--client')) runClient();
else await runBenchmark(main, say);
