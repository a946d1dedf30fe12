import type { Decision, WorkItem } from './decide.ts';

/** Publishes accepted requests and commands durably; resolves once the broker acknowledged them. */
export interface BookingRequestPublisher {
  publish(request: WorkItem): Promise<void>;
}

/** Mutual exclusion over named resources, held for a bounded time. */
export interface LockService {
  /** Resolves with a handle, or rejects with LockContentionError after its retries. */
  acquire(resources: string[], ttlMs: number): Promise<{ release(): Promise<void> }>;
}

export class LockContentionError extends Error {
  override name = 'LockContentionError';
}

/** Applies decisions atomically with their outbox rows and returns what was decided. */
export interface BookingLedger {
  commit(items: readonly WorkItem[]): Promise<Decision[]>;
  /** Releases up to `limit` holds that are over; returns the expiries decided. */
  expire(limit: number): Promise<Decision[]>;
}
