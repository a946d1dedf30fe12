import { BookingCommandMessageSchema, BookingRequestMessageSchema, type Topics } from '@booking/contracts';
import { isCommand, seatLockKeys, type BookingLedger, type LockService, type WorkItem } from '@booking/booking-core';
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
  /** How often the expiry sweep looks for holds that are over. */
  sweepIntervalMs: number;
}

/** Holds released per sweep transaction. */
const SWEEP_BATCH = 500;

type Parsed = { ok: true; request: WorkItem } | { ok: false; message: Delivery; reason: string };

export function parseRequest(message: Delivery): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(message.value);
  } catch {
    return { ok: false, message, reason: 'value is not JSON' };
  }
  const result = json !== null && typeof json === 'object' && 'command' in json ? BookingCommandMessageSchema.safeParse(json) : BookingRequestMessageSchema.safeParse(json);
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
    // Commands lock their seats in the transaction only: the lock saves wasted transactions, the rows decide.
    const keys = [...new Set(requests.flatMap((r) => (isCommand(r) ? [] : seatLockKeys(r.eventId, r.seatIds, deps.lockPrefix))))].sort();
    const lock = keys.length > 0 ? await locks.acquire(keys, deps.lockTtlMs) : null;
    try {
      const started = performance.now();
      const decisions = await ledger.commit(requests);
      const rejected = decisions.filter((d) => d.status === 'REJECTED').length;
      log.info(
        { partition, requests: requests.length, decided: decisions.length, rejected, ms: Math.round(performance.now() - started) },
        'booking batch committed',
      );
    } finally {
      await lock?.release();
    }
  }

  /**
   * Expiry lives in PostgreSQL (`expires_at` of HELD bookings), so a sweep
   * after any restart finds every hold that ran out meanwhile; several
   * workers sweep side by side (SKIP LOCKED).
   */
  let sweeping: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  async function sweep() {
    try {
      for (;;) {
        const expired = await ledger.expire(SWEEP_BATCH);
        if (expired.length > 0) log.info({ expired: expired.length, bookingIds: expired.slice(0, 20).map((d) => d.bookingId) }, 'holds expired');
        if (expired.length < SWEEP_BATCH) break;
      }
    } catch (error) {
      log.warn({ err: error }, 'expiry sweep failed; retrying on the next tick');
    }
  }
  const schedule = () => {
    timer = setTimeout(() => {
      sweeping = sweep().finally(() => {
        if (timer) schedule();
      });
    }, deps.sweepIntervalMs);
  };

  return {
    isRunning: () => consumer?.ready() ?? false,
    /** The bus must be connected; its owner closes it. */
    async start() {
      // Holds that ran out while no worker ran are released first, before joining the group takes its time.
      sweeping = sweep();
      schedule();
      consumer = await bus.consume({ group: deps.group, topics: [topics.bookingRequests], from: 'earliest', maxChunk: deps.batchSize, handle: process });
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await sweeping;
      // Waits for the chunk in progress; anything not committed is delivered again.
      await consumer?.stop();
    },
  };
}
