import type { BookingRequestMessage } from '@booking/contracts';
import type { Decision } from './decide.ts';

/** Publishes accepted requests durably; resolves once the broker acknowledged them. */
export interface BookingRequestPublisher {
  publish(request: BookingRequestMessage): Promise<void>;
}

/** Mutual exclusion over named resources, held for a bounded time. */
export interface LockService {
  /** Resolves with a handle, or rejects with LockContentionError after its retries. */
  acquire(resources: string[], ttlMs: number): Promise<{ release(): Promise<void> }>;
}

export class LockContentionError extends Error {
  override name = 'LockContentionError';
}

/** Applies a batch of requests atomically and returns what was decided. */
export interface BookingLedger {
  commit(requests: readonly BookingRequestMessage[]): Promise<Decision[]>;
}
