import { BookingRequestMessageSchema, type BookingRequestMessage, type Topics } from '@booking/contracts';
import { seatLockKeys, type BookingLedger, type LockService } from '@booking/booking-core';
import type { Bus, BusConsumer, Delivery, Logger, Service } from '@booking/service-kit';

export interface BookingWorkerDeps {
  bus: Bus;
  /** Consumer group shared by all workers. */
  group: string;
  ledger: BookingLedger;
  locks: LockService;
  topics: Pick<Topics, 'bookingRequests' | 'bookingRequestsDeadLetter'>;
  log: Logger;
  batchSize: number;
  lockTtlMs: number;
  lockPrefix: string;
}

type Parsed = { ok: true; request: BookingRequestMessage } | { ok: false; message: Delivery; reason: string };

export function parseRequest(message: Delivery): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(message.value);
  } catch {
    return { ok: false, message, reason: 'value is not JSON' };
  }
  const result = BookingRequestMessageSchema.safeParse(json);
  if (!result.success) return { ok: false, message, reason: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, request: result.data };
}

/**
 * Consumes booking requests in chunks: lock every seat of the chunk, decide and
 * commit it in one transaction; the bus then moves the group's position. Any
 * failure throws before that, so the chunk is delivered again; decisions are
 * idempotent on the request id.
 */
export function createBookingWorker(deps: BookingWorkerDeps): Service & { isRunning(): boolean } {
  const { bus, ledger, locks, topics, log } = deps;
  let consumer: BusConsumer | null = null;

  async function deadLetter(bad: Extract<Parsed, { ok: false }>[]) {
    if (bad.length === 0) return;
    await bus.publish(
      bad.map(({ message, reason }) => ({
        topic: topics.bookingRequestsDeadLetter,
        key: message.key,
        value: message.value,
        headers: { reason, 'source-topic': topics.bookingRequests, 'source-partition': String(message.partition), 'source-offset': message.offset },
      })),
    );
    log.warn({ count: bad.length, reasons: bad.map((b) => b.reason) }, 'dead-lettered booking requests');
  }

  async function process(messages: Delivery[]) {
    const partition = messages[0]!.partition;
    const parsed = messages.map(parseRequest);
    await deadLetter(parsed.filter((p): p is Extract<Parsed, { ok: false }> => !p.ok));
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
    isRunning: () => consumer?.ready() ?? false,
    /** The bus must be connected; its owner closes it. */
    async start() {
      consumer = await bus.consume({ group: deps.group, topics: [topics.bookingRequests], from: 'earliest', maxChunk: deps.batchSize, handle: process });
    },
    async stop() {
      // Waits for the chunk in progress; anything not committed is delivered again.
      await consumer?.stop();
    },
  };
}
