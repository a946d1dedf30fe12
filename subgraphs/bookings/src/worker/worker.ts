import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { BookingRequestMessageSchema, type BookingRequestMessage, type Topics } from '@booking/contracts';
import { seatLockKeys, type BookingLedger, type LockService } from '@booking/booking-core';
import type { Logger, Service } from '@booking/service-kit';

export interface BookingWorkerDeps {
  consumer: Consumer;
  /** Used for the dead-letter topic only. */
  producer: Producer;
  ledger: BookingLedger;
  locks: LockService;
  topics: Pick<Topics, 'bookingRequests' | 'bookingRequestsDeadLetter'>;
  log: Logger;
  batchSize: number;
  lockTtlMs: number;
  lockPrefix: string;
}

type Parsed = { ok: true; request: BookingRequestMessage } | { ok: false; message: KafkaMessage; reason: string };

export function parseRequest(message: KafkaMessage): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    return { ok: false, message, reason: 'value is not JSON' };
  }
  const result = BookingRequestMessageSchema.safeParse(json);
  if (!result.success) return { ok: false, message, reason: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, request: result.data };
}

/**
 * Consumes booking requests in chunks: lock every seat of the chunk, decide and
 * commit it in one transaction, then resolve the offsets. Any failure throws
 * before the offset moves, so the chunk is delivered again; decisions are
 * idempotent on the request id.
 */
export function createBookingWorker(deps: BookingWorkerDeps): Service & { isRunning(): boolean } {
  const { consumer, producer, ledger, locks, topics, log } = deps;
  let running = false;

  async function deadLetter(partition: number, bad: Extract<Parsed, { ok: false }>[]) {
    if (bad.length === 0) return;
    await producer.send({
      topic: topics.bookingRequestsDeadLetter,
      messages: bad.map(({ message, reason }) => ({
        key: message.key,
        value: message.value,
        headers: { reason, 'source-topic': topics.bookingRequests, 'source-partition': String(partition), 'source-offset': message.offset },
      })),
    });
    log.warn({ count: bad.length, reasons: bad.map((b) => b.reason) }, 'dead-lettered booking requests');
  }

  async function process(partition: number, messages: KafkaMessage[]) {
    const parsed = messages.map(parseRequest);
    await deadLetter(partition, parsed.filter((p): p is Extract<Parsed, { ok: false }> => !p.ok));
    const requests = parsed.flatMap((p) => (p.ok ? [p.request] : []));
    if (requests.length === 0) return;
    const keys = [...new Set(requests.flatMap((r) => seatLockKeys(r.eventId, r.seatIds, deps.lockPrefix)))].sort();
    const lock = await locks.acquire(keys, deps.lockTtlMs);
    try {
      const started = performance.now();
      const decisions = await ledger.commit(requests);
      const confirmed = decisions.filter((d) => d.status === 'CONFIRMED').length;
      log.info(
        { partition, requests: requests.length, decided: decisions.length, confirmed, rejected: decisions.length - confirmed, ms: Math.round(performance.now() - started) },
        'booking batch committed',
      );
    } finally {
      await lock.release();
    }
  }

  return {
    isRunning: () => running,
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: topics.bookingRequests, fromBeginning: true });
      consumer.on(consumer.events.GROUP_JOIN, () => (running = true));
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        running = false;
        log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
      });
      await consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 2,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
          for (let i = 0; i < batch.messages.length; i += deps.batchSize) {
            if (!isRunning() || isStale()) return;
            const chunk = batch.messages.slice(i, i + deps.batchSize);
            await process(batch.partition, chunk);
            resolveOffset(chunk[chunk.length - 1]!.offset);
            await commitOffsetsIfNecessary();
            await heartbeat();
          }
        },
      });
    },
    async stop() {
      running = false;
      // Waits for the chunk in progress; anything not committed is redelivered.
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
