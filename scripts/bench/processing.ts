import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { topicNames, type BookingRequestMessage } from '@booking/contracts';
import { createProducer, pgSql } from '@booking/service-kit';
import type { Stack } from '@booking/testkit';
import { arena, seed } from '../../prisma/seed.ts';
import { createMongoReadStore } from '../../subgraphs/events/src/mongo-store.ts';
import { createSqlTruthSource } from '../../subgraphs/events/src/reconcile/sql-source.ts';
import { reconcile } from '../../subgraphs/events/src/reconcile/reconcile.ts';
import type { figure as Figure } from './run.ts';

const EVENT = 'bench_processing';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ProcessingContext {
  stack: Stack;
  kafka: Kafka;
  figure: typeof Figure;
  notes: string[];
  say: (msg: string) => void;
  seats: number;
}

/** An event with `n` AVAILABLE seats laid out like arena10k (rows of 50), with its read model built; its seat ids. */
export async function createEvent(stack: Stack, id: string, n: number): Promise<string[]> {
  const sections = Array.from({ length: Math.ceil(n / 2500) }, (_, k) => (k < 26 ? String.fromCharCode(65 + k) : `X${k}`));
  const client = await stack.pg.connect();
  try {
    await seed(pgSql(client), [{ id, name: 'Benchmark venue', venue: `Bench Arena (${n} seats)`, startsAt: '2027-10-01T20:00:00.000Z', seats: arena(sections, 50, 50).slice(0, n) }]);
  } finally {
    client.release();
  }
  const truth = createSqlTruthSource(pgSql(stack.pg));
  await reconcile({ events: async () => (await truth.events()).filter((e) => e._id === id), seats: truth.seats }, createMongoReadStore(stack.mongo));
  const { rows } = await stack.pg.query<{ seat_id: string }>("SELECT seat_id FROM seats WHERE event_id = $1 AND status = 'AVAILABLE' ORDER BY position", [id]);
  return rows.map((r) => r.seat_id);
}

/** Seats the durable read model (MongoDB seat blocks) shows booked. */
export async function readModelBooked(stack: Stack, eventId: string): Promise<number> {
  const blocks = await stack.mongo
    .collection<{ counts?: Record<string, number> }>(`seat_blocks.${eventId}`)
    .find({}, { projection: { counts: 1 } })
    .toArray();
  return blocks.reduce((n, b) => n + (b.counts?.BOOKED ?? 0), 0);
}

type Admin = ReturnType<Kafka['admin']>;

/** Messages of `topic` not yet committed by consumer group `groupId`. */
async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends.reduce((lag, p) => lag + Math.max(0, Number(p.high) - Math.max(0, done.get(p.partition) ?? 0)), 0);
}

/**
 * Read-model lag: outbox rows not yet published plus seat-status messages not
 * yet applied by the projector. Offsets and one count: nothing here reads the
 * read store, whose whole-venue reads would slow the projector being measured.
 */
async function readModelLag(stack: Stack, admin: Admin): Promise<number> {
  const topics = topicNames(`${stack.name}.`);
  const [projector, { rows }] = await Promise.all([
    groupLag(admin, `${stack.name}.events-projector`, topics.seatStatus),
    stack.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox'),
  ]);
  return projector + rows[0]!.n;
}

/**
 * Waits (up to `timeoutMs`) until the pipeline has nothing left from earlier
 * load: every booking request decided and every seat change projected. A
 * scenario then measures its own work only, as the baseline does. Returns the
 * time waited in ms, or null on timeout.
 */
export async function settle(stack: Stack, kafka: Kafka, timeoutMs = 120_000): Promise<number | null> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const start = performance.now();
    const topics = topicNames(`${stack.name}.`);
    for (const deadline = start + timeoutMs; performance.now() < deadline; await sleep(250)) {
      if ((await groupLag(admin, `${stack.name}.booking-worker`, topics.bookingRequests)) === 0 && (await readModelLag(stack, admin)) === 0) return performance.now() - start;
    }
    return null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * One worker's commit rate on a backlog of one-seat requests for distinct
 * seats (put on the topic while it is stopped), and how long the read model
 * takes after the last commit to show them all (a sell-out burst).
 */
export async function measureProcessing({ stack, kafka, figure, notes, say, seats: n }: ProcessingContext): Promise<void> {
  say(`processing: creating ${EVENT} with ${n} seats`);
  const seatIds = await createEvent(stack, EVENT, n);
  if (seatIds.length < n) throw new Error(`only ${seatIds.length} AVAILABLE seats in ${EVENT}`);
  // Whatever earlier scenarios left must be through first.
  await settle(stack, kafka);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await stack.kill('worker');
    const producer = createProducer(kafka);
    await producer.connect();
    const topic = topicNames(`${stack.name}.`).bookingRequests;
    const requestedAt = new Date().toISOString();
    for (let i = 0; i < n; i += 1000) {
      const messages = seatIds.slice(i, Math.min(n, i + 1000)).map((seatId, k) => {
        const message: BookingRequestMessage = { requestId: randomUUID(), eventId: EVENT, userId: `benchp-${i + k}`, seatIds: [seatId], requestedAt };
        return { key: message.eventId, value: JSON.stringify(message) };
      });
      await producer.send({ topic, messages });
    }
    await producer.disconnect();
    say(`processing: ${n} requests queued; starting the worker`);
    await stack.start('worker');
    const count = async () => (await stack.pg.query<{ n: number }>("SELECT count(*)::int AS n FROM bookings WHERE event_id = $1 AND status = 'CONFIRMED'", [EVENT])).rows[0]!.n;
    let confirmed = 0;
    for (const deadline = performance.now() + 600_000; performance.now() < deadline && confirmed < n; await sleep(100)) confirmed = await count();
    const caughtUp = await (async () => {
      for (const deadline = performance.now() + 300_000; performance.now() < deadline; await sleep(100)) if ((await readModelLag(stack, admin)) === 0) return Date.now();
      return null;
    })();
    const { rows } = await stack.pg.query<{ first: Date; last: Date }>('SELECT min(decided_at) AS first, max(decided_at) AS last FROM bookings WHERE event_id = $1', [EVENT]);
    const { first, last } = rows[0]!;
    if (confirmed < n) notes.push(`processing: only ${confirmed} of ${n} confirmed within 600 s`);
    // First decision -> last decision, from the rows themselves: worker start-up is not counted.
    const spanS = Math.max(0.001, (last.getTime() - first.getTime()) / 1000);
    figure(`Processing, one worker (${n} one-seat requests)`, confirmed / spanS, 'seats/s', { atLeast: 3000 });
    if (caughtUp === null) notes.push('sell-out: the read model had not caught up within 300 s');
    else {
      const afterS = Math.max(0, (caughtUp - last.getTime()) / 1000);
      figure(`Sell-out: read model caught up after the last commit (${n} seats)`, afterS, 's', { atMost: 5 });
      figure('Sell-out: read model seats/s (first commit -> caught up)', n / ((caughtUp - first.getTime()) / 1000), 'seats/s', { atLeast: 2000 });
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
