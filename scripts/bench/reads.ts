/**
 * Read paths under load: the seat map of arena10k (10,000 seats) over REST
 * and GraphQL, the event list over REST and GraphQL, closed-loop and at a
 * fixed arrival rate, alone and during a booking storm; then freshness (a
 * confirmed booking -> visible in each read path) and, in stack mode, how
 * soon the durable read model has caught up after a 10,000-seat sell-out.
 *
 *   npx tsx scripts/bench/reads.ts [--mode stack|embedded] [--duration 5] [--no-storm] [--no-sellout]
 *
 * `runReadScenarios(target, options)` is the module's entry for the
 * aggregate benchmark: it returns rows {figure, target, measured, met}.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon, { type Result } from 'autocannon';
import { authorizations, gql, startEmbedded, startStack, waitFor, type Stack } from '@booking/testkit';
import { arena as venue, seed, SEED_EVENTS } from '../../prisma/seed.ts';
import { cpuSnapshot, cpuUsage } from './cpu.ts';
import { openLoop, sentLate, startOpenLoop, type OpenLoopResult } from './load.ts';
import { accepts, type AnswerCheck } from './load-types.ts';
import { BENCH_APP_ENV } from './intake.ts';
import { pgSql } from '@booking/service-kit';
import { createMongoReadStore } from '../../subgraphs/events/src/mongo-store.ts';
import { createSqlTruthSource } from '../../subgraphs/events/src/reconcile/sql-source.ts';
import { reconcile } from '../../subgraphs/events/src/reconcile/reconcile.ts';

export interface ReadRow {
  figure: string;
  target: string;
  measured: string;
  met: boolean;
}

/** What the scenarios need of a running system. */
export interface ReadTarget {
  /** REST and pages (NGINX in stack mode, the gateway in embedded mode). */
  url: string;
  graphqlUrl: string;
  /** Commit time of a booking, when the target can tell (stack mode: PostgreSQL). */
  decidedAt?(bookingId: string): Promise<number | null>;
  /** The durable read model's booked count for an event (stack mode: MongoDB), for the sell-out catch-up. */
  durableBooked?(eventId: string): Promise<number>;
  /** The private NGINX's prefix directory (stack mode), to count its CPU with the app processes'. */
  nginxPrefix?: string;
  /** Creates an event with `n` available seats; returns its id and seat ids (stack mode). */
  createEvent?(n: number): Promise<{ id: string; seats: string[] }>;
}

export interface ReadOptions {
  /** Seconds per measured load. */
  seconds: number;
  storm: boolean;
  sellout: boolean;
  log?: (line: string) => void;
}

const EVENT = 'arena10k';
const REST_SEATMAP = `/api/events/${EVENT}`;
export const GRAPHQL_SEATMAP = /* GraphQL */ `query SeatMap($id: ID!) { event(id: $id) { id seatMap { version sections { name rows { name seatIds statuses versions } } } } }`;
export const GRAPHQL_SEATS = /* GraphQL */ `query Seats($id: ID!) { event(id: $id) { id seats { id status version } } }`;
export const GRAPHQL_EVENTS = /* GraphQL */ `query Events { events { id name venue startsAt availability { total available held booked } } }`;
const REQUEST = /* GraphQL */ `mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }`;

interface Load {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  connections: number;
  /** Closed-loop: at least this many req/s; fixed rate: this arrival rate. */
  rps: number;
  p99: number;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function loads(graphqlSeatMap: string): Load[] {
  const post = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
  return [
    { name: `REST GET ${REST_SEATMAP}`, method: 'GET', path: REST_SEATMAP, connections: 10, rps: 200, p99: 100 },
    { name: 'GraphQL seat map of arena10k', method: 'POST', path: '/graphql', body: post(graphqlSeatMap, { id: EVENT }), connections: 10, rps: 100, p99: 150 },
    { name: 'REST GET /api/events', method: 'GET', path: '/api/events', connections: 50, rps: 2000, p99: 50 },
    { name: 'GraphQL events { availability }', method: 'POST', path: '/graphql', body: post(GRAPHQL_EVENTS), connections: 50, rps: 2000, p99: 50 },
  ];
}

/** A read answered: 200 and no GraphQL errors. */
const ANSWERED: AnswerCheck = { status: 200, excludes: '"errors"' };

/** How late the load generator sent requests, when that is part of the latencies. */
const lateness = (r: OpenLoopResult) => {
  const late = sentLate(r);
  return late ? ` (${late})` : '';
};

/**
 * A read at a fixed arrival rate (scripts/bench/load.ts's open loop: evenly
 * spaced requests, latency from when each was due), as the targets mean it.
 */
async function fixedRate(url: string, load: Load, seconds: number) {
  const r = await openLoop({ url, request: () => ({ method: load.method, path: load.path, headers: { 'content-type': 'application/json' }, body: load.body }), ok: ANSWERED }, load.rps, seconds);
  return { ...r, measured: `${fmt(r.rps)} req/s, p99 ${fmt(r.p99)} ms${r.failures ? `, ${r.failures} bad` : ''}${lateness(r)}`, met: (p99: number) => r.p99 <= p99 && r.failures === 0 && r.rps >= 0.9 * load.rps };
}

/** Closed loop: `load.connections` clients, each sending its next request when answered. */
async function cannon(url: string, load: Load, seconds: number): Promise<Result & { bad: number; sample?: string }> {
  let bad = 0;
  let sample: string | undefined;
  const result = await autocannon({
    url,
    connections: load.connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: load.method,
        path: load.path,
        headers: { 'content-type': 'application/json' },
        ...(load.body ? { body: load.body } : {}),
        onResponse(status, body) {
          if (!accepts(ANSWERED, status, body)) {
            bad++;
            sample ??= `${status} ${body.slice(0, 200)}`;
          }
        },
      },
    ],
  });
  // Connection errors and timeouts count as bad answers too.
  return Object.assign(result, { bad: bad + result.errors, sample: sample ?? (result.errors ? `${result.errors} connection errors, ${result.timeouts} timeouts` : undefined) });
}

/** A booking storm at a fixed arrival rate: single-seat requestBooking from distinct users over `seats`. */
async function startStorm(target: ReadTarget, seats: string[], rate: number) {
  const callers = await authorizations(`storm-${randomBytes(3).toString('hex')}-`, 3000);
  let i = 0;
  return startOpenLoop(
    {
      url: target.url,
      request: () => {
        const n = i++;
        return {
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json', authorization: callers[n % callers.length]! },
          body: JSON.stringify({ query: REQUEST, variables: { input: { eventId: EVENT, seatIds: [seats[n % seats.length]] } } }),
        };
      },
      ok: ANSWERED,
    },
    rate,
  );
}

const p = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
};

type SeatStatus = 'AVAILABLE' | 'HELD' | 'BOOKED';

async function restStatus(target: ReadTarget, seatId: string): Promise<string | undefined> {
  const body = (await (await fetch(`${target.url}${REST_SEATMAP}`)).json()) as { seats: { seat_id: string; status: string }[] };
  return body.seats.find((s) => s.seat_id === seatId)?.status;
}

interface SeatMapJson {
  event: { seatMap: { sections: { name: string; rows: { seatIds: string[]; statuses: string }[] }[] } } | null;
}
export const STATUS_LETTER: Record<string, SeatStatus> = { A: 'AVAILABLE', H: 'HELD', B: 'BOOKED' };

async function graphqlStatus(target: ReadTarget, seatId: string, seatMap: boolean): Promise<string | undefined> {
  if (!seatMap) {
    const r = await gql<{ event: { seats: { id: string; status: string }[] } }>(target.graphqlUrl, GRAPHQL_SEATS, { id: EVENT });
    return r.data?.event.seats.find((s) => s.id === seatId)?.status;
  }
  const section = seatId.split('_')[0]!;
  const r = await gql<SeatMapJson['event'] extends infer E ? { event: E } : never>(
    target.graphqlUrl,
    `query($id: ID!, $section: String) { event(id: $id) { seatMap(section: $section) { sections { name rows { seatIds statuses } } } } }`,
    { id: EVENT, section },
  );
  for (const s of r.data?.event?.seatMap.sections ?? [])
    for (const row of s.rows) {
      const i = row.seatIds.indexOf(seatId);
      if (i >= 0) return STATUS_LETTER[row.statuses[i]!];
    }
  return undefined;
}

/** Books single seats one at a time and times when each shows booked in REST and GraphQL. */
async function freshness(target: ReadTarget, seats: string[], seatMap: boolean) {
  const rest: number[] = [];
  const graphql: number[] = [];
  let fromCommit = true;
  for (const seatId of seats) {
    const sent = Date.now();
    const r = await gql<{ requestBooking: { id: string } }>(target.graphqlUrl, REQUEST, { input: { eventId: EVENT, seatIds: [seatId] } }, `fresh-${seatId}`);
    const id = r.data?.requestBooking.id;
    if (!id) throw new Error(`freshness probe ${seatId} not accepted: ${JSON.stringify(r.errors)}`);
    const seen: { rest?: number; graphql?: number } = {};
    await waitFor(
      async () => {
        const [a, b] = await Promise.all([
          seen.rest ? 'BOOKED' : restStatus(target, seatId),
          seen.graphql ? 'BOOKED' : graphqlStatus(target, seatId, seatMap),
        ]);
        const now = Date.now();
        if (!seen.rest && a?.toUpperCase() === 'BOOKED') seen.rest = now;
        if (!seen.graphql && b === 'BOOKED') seen.graphql = now;
        return seen.rest && seen.graphql;
      },
      { timeoutMs: 30_000, intervalMs: 10, what: `${seatId} to show booked` },
    );
    const decided = (await target.decidedAt?.(id)) ?? null;
    if (decided === null) fromCommit = false;
    const from = decided ?? sent;
    rest.push(seen.rest! - from);
    graphql.push(seen.graphql! - from);
  }
  return { rest, graphql, from: fromCommit ? 'commit' : 'request sent' };
}

/**
 * Runs every read scenario against a started system and returns one row per
 * figure. Seats of arena10k are booked by the storm and the freshness probes.
 */
export async function runReadScenarios(target: ReadTarget, options: ReadOptions): Promise<ReadRow[]> {
  const log = options.log ?? (() => undefined);
  const rows: ReadRow[] = [];
  const row = (figure: string, target: string, measured: string, met: boolean) => {
    rows.push({ figure, target, measured, met });
    log(`${figure}: ${measured} (target ${target}) ${met ? 'met' : 'NOT met'}`);
  };
  const probe = await gql(target.graphqlUrl, `{ event(id: "${EVENT}") { seatMap(section: "A") { version } } }`);
  const seatMap = !probe.errors?.length;
  const all = loads(seatMap ? GRAPHQL_SEATMAP : GRAPHQL_SEATS);
  if (!seatMap) log('no compact seat map in this schema: the GraphQL seat map is `seats { id status version }`');

  for (const load of all) {
    await cannon(target.url, load, 1); // warm connections, caches, query plans
    const c0 = cpuSnapshot();
    const r = await cannon(target.url, load, options.seconds);
    // CPU of the serving processes per answered request: unlike req/s, it barely
    // depends on what else runs on the machine.
    const served = cpuUsage(c0, cpuSnapshot(), target.nginxPrefix ?? '\0').groups.filter((g) => !/load generator|shared|rest of machine/.test(g.name));
    const cpuMs = r.requests.total && served.length ? (served.reduce((t, g) => t + g.cpuSeconds, 0) * 1000) / r.requests.total : null;
    if (r.sample) log(`first bad answer: ${r.sample}`);
    row(`${load.name}, ${load.connections} connections, closed-loop`, `>= ${fmt(load.rps)} req/s, p99 <= ${load.p99} ms`, `${fmt(r.requests.average)} req/s, p99 ${fmt(r.latency.p99)} ms${cpuMs === null ? '' : `, ${fmt(cpuMs, 2)} ms CPU/request (${served.map((g) => g.name).join(' + ')})`}${r.bad ? `, ${r.bad} bad` : ''}`, r.requests.average >= load.rps && r.latency.p99 <= load.p99 && r.bad === 0);
    const f = await fixedRate(target.url, load, options.seconds);
    row(`${load.name}, fixed rate ${fmt(load.rps)} req/s`, `p99 <= ${load.p99} ms`, f.measured, f.met(load.p99));
  }

  const arena = SEED_EVENTS.find((e) => e.id === EVENT)!.seats.map((s) => s.id);
  const probes = arena.filter((id) => id.startsWith('D_R50_'));
  const stormSeats = arena.filter((id) => !id.startsWith('D_R50_') && !id.startsWith('A_R1_'));
  const quiet = await freshness(target, probes.slice(0, 10), seatMap);
  row(`Freshness, ${quiet.from} -> visible over REST (p99 of ${quiet.rest.length})`, '<= 1,000 ms', `p50 ${fmt(p(quiet.rest, 0.5))} ms, p99 ${fmt(p(quiet.rest, 0.99))} ms`, p(quiet.rest, 0.99) <= 1000);
  row(`Freshness, ${quiet.from} -> visible in the GraphQL seat map (p99 of ${quiet.graphql.length})`, '<= 1,000 ms', `p50 ${fmt(p(quiet.graphql, 0.5))} ms, p99 ${fmt(p(quiet.graphql, 0.99))} ms`, p(quiet.graphql, 0.99) <= 1000);

  if (options.storm) {
    log('booking storm: 300 req/s on arena10k');
    const storm = await startStorm(target, stormSeats, 300);
    try {
      await sleep(2000);
      for (const load of all) {
        const f = await fixedRate(target.url, load, options.seconds);
        row(`${load.name}, fixed rate ${fmt(load.rps)} req/s, during a 300 req/s booking storm`, `p99 <= ${2 * load.p99} ms`, f.measured, f.met(2 * load.p99));
      }
      const stormy = await freshness(target, probes.slice(10, 30), seatMap);
      row(`Freshness during the storm, ${stormy.from} -> visible over REST (p99 of ${stormy.rest.length})`, '<= 1,000 ms', `p50 ${fmt(p(stormy.rest, 0.5))} ms, p99 ${fmt(p(stormy.rest, 0.99))} ms`, p(stormy.rest, 0.99) <= 1000);
      row(`Freshness during the storm, ${stormy.from} -> visible in the GraphQL seat map (p99 of ${stormy.graphql.length})`, '<= 1,000 ms', `p50 ${fmt(p(stormy.graphql, 0.5))} ms, p99 ${fmt(p(stormy.graphql, 0.99))} ms`, p(stormy.graphql, 0.99) <= 1000);
    } finally {
      const s = await storm.stop();
      log(`storm: ${fmt(s.rps)} req/s, p99 ${fmt(s.p99)} ms, ${s.failures} failed${s.firstFailure ? ` (first: ${s.firstFailure})` : ''}${lateness(s)}`);
    }
  }

  if (options.sellout && target.createEvent && target.durableBooked && target.decidedAt) rows.push(...(await sellout(target, log)));
  return rows;
}

/** 10,000 seats booked in a burst (5 seats per request); times the durable read model's catch-up after the last commit. */
async function sellout(target: ReadTarget, log: (line: string) => void): Promise<ReadRow[]> {
  const n = 10_000;
  // Within the default per-user limit of an event (6 seats), each request from its own user.
  const perRequest = 5;
  const { id, seats } = await target.createEvent!(n);
  log(`sell-out: ${fmt(n)} seats of ${id} in ${fmt(n / perRequest)} requests of ${perRequest} seats`);
  const ids: string[] = [];
  for (let i = 0; i < seats.length; i += 500) {
    const batch = [];
    for (let k = i; k < Math.min(seats.length, i + 500); k += perRequest)
      batch.push(gql<{ requestBooking: { id: string } }>(target.graphqlUrl, REQUEST, { input: { eventId: id, seatIds: seats.slice(k, k + perRequest) } }, `sellout-${k}`));
    for (const r of await Promise.all(batch)) {
      if (!r.data?.requestBooking.id) throw new Error(`sell-out request refused: ${JSON.stringify(r.errors)}`);
      ids.push(r.data.requestBooking.id);
    }
  }
  let booked = 0;
  let reported = Date.now();
  const figure = `Sell-out of ${fmt(n)} seats: last commit -> durable read model caught up`;
  const caught = await waitFor(
    async () => {
      booked = await target.durableBooked!(id);
      if (Date.now() - reported >= 10_000) {
        reported = Date.now();
        log(`sell-out: ${fmt(booked)} of ${fmt(n)} seats booked in the durable read model`);
      }
      return booked >= n;
    },
    { timeoutMs: 300_000, intervalMs: 250, what: 'the durable read model to show the sell-out' },
  ).then(
    () => true,
    () => false,
  );
  // A read model that never catches up is a figure too, and the other read rows stay.
  if (!caught) return [{ figure, target: '<= 5,000 ms', measured: `not caught up after 300 s (${fmt(booked)} of ${fmt(n)} booked)`, met: false }];
  const caughtUp = Date.now();
  let lastCommit = 0;
  for (let i = 0; i < ids.length; i += 200) {
    for (const t of await Promise.all(ids.slice(i, i + 200).map((b) => target.decidedAt!(b)))) lastCommit = Math.max(lastCommit, t ?? 0);
  }
  const ms = caughtUp - lastCommit;
  return [{ figure, target: '<= 5,000 ms', measured: `${fmt(ms)} ms (${fmt(booked)} booked)`, met: ms <= 5000 }];
}

/** The read scenarios' view of a stack started by the testkit. */
export function stackTarget(stack: Stack): ReadTarget {
  return {
    url: stack.url,
    graphqlUrl: stack.graphqlUrl,
    nginxPrefix: stack.nginxPrefix,
    async decidedAt(bookingId) {
      for (let i = 0; i < 100; i++) {
        const { rows } = await stack.pg.query<{ t: Date }>('SELECT decided_at AS t FROM bookings WHERE id = $1', [bookingId]);
        if (rows[0]) return rows[0].t.getTime();
        await sleep(50);
      }
      return null;
    },
    async createEvent(n) {
      const id = `sellout_${randomBytes(3).toString('hex')}`;
      const seats = venue(['A', 'B', 'C', 'D', 'E', 'F'], 50, 50).slice(0, n);
      const client = await stack.pg.connect();
      try {
        await seed(pgSql(client), [{ id, name: 'Sell-out', venue: `Bench Arena (${n} seats)`, startsAt: '2027-10-01T20:00:00.000Z', seats }]);
      } finally {
        client.release();
      }
      const truth = createSqlTruthSource(pgSql(stack.pg));
      await reconcile({ events: async () => (await truth.events()).filter((e) => e._id === id), seats: truth.seats }, createMongoReadStore(stack.mongo));
      return { id, seats: seats.map((s) => s.id) };
    },
    async durableBooked(eventId) {
      const blocks = await stack.mongo.collection<{ counts: Record<string, number> }>(`seat_blocks.${eventId}`).find({}, { projection: { counts: 1 } }).toArray();
      return blocks.reduce((n, b) => n + (b.counts?.BOOKED ?? 0), 0);
    },
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'stack' },
      duration: { type: 'string', default: '5' },
      'no-storm': { type: 'boolean', default: false },
      'no-sellout': { type: 'boolean', default: false },
    },
  });
  const say = (line: string) => process.stderr.write(`[reads ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const options = { seconds: Number(values.duration), storm: !values['no-storm'], sellout: !values['no-sellout'], log: say };
  let stop: () => Promise<unknown> = async () => undefined;
  try {
    let target: ReadTarget;
    if (values.mode === 'embedded') {
      const system = await startEmbedded('benchreads', { env: BENCH_APP_ENV });
      stop = () => system.stop();
      target = system;
    } else {
      const stack = await startStack('benchreads', BENCH_APP_ENV);
      stop = () => stack.stop();
      target = stackTarget(stack);
    }
    const rows = await runReadScenarios(target, options);
    process.stdout.write(`\n| Figure | Target | Measured | Met |\n|---|---|---|---|\n${rows.map((r) => `| ${r.figure} | ${r.target} | ${r.measured} | ${r.met ? 'yes' : '**no**'} |`).join('\n')}\n`);
  } finally {
    await stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
