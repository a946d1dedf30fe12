import { GraphQLError } from 'graphql';
import { ErrorCode } from '@booking/contracts';

/**
 * Fans values out to in-process subscribers by key (an event id, a booking
 * id, a shared subscription). Each subscriber has a bounded queue: one that
 * stops reading gets its subscription ended rather than holding memory or
 * delaying anyone else.
 */
export class SlowConsumerError extends GraphQLError {
  constructor(behind: number) {
    // A stable code for the client, which may subscribe again; not an internal error of ours.
    super(`subscriber fell ${behind} messages behind; subscribe again`, { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } });
    this.name = 'SlowConsumerError';
  }
}

interface Listener<T> {
  push(value: T): void;
  end(): void;
}

export function createHub<T>(maxQueue = 1_000) {
  const listeners = new Map<string, Set<Listener<T>>>();

  return {
    publish(key: string, value: T) {
      for (const listener of listeners.get(key) ?? []) listener.push(value);
    },
    /** Ends every subscription of a key once it has read what is queued for it. */
    complete(key: string) {
      for (const listener of [...(listeners.get(key) ?? [])]) listener.end();
    },
    /** Whether anyone listens for `key`: the feed skips parsing what nobody reads. */
    has: (key: string) => listeners.has(key),
    /** Subscriptions currently open, for readiness and leak checks. */
    size() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
    subscribe(key: string): AsyncIterableIterator<T> {
      const queue: T[] = [];
      let wake: ((r: IteratorResult<T>) => void) | null = null;
      let failed: Error | null = null;
      let done = false;
      const set = listeners.get(key) ?? new Set();
      const close = () => {
        if (done) return;
        done = true;
        set.delete(listener);
        if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
        if (wake && queue.length === 0) {
          const w = wake;
          wake = null;
          w({ value: undefined, done: true });
        }
      };
      const listener: Listener<T> = {
        push(value) {
          if (done) return;
          if (wake) {
            const w = wake;
            wake = null;
            w({ value, done: false });
          } else if (queue.length >= maxQueue) {
            failed = new SlowConsumerError(maxQueue);
            close();
          } else queue.push(value);
        },
        end: close,
      };
      set.add(listener);
      listeners.set(key, set);
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        next(): Promise<IteratorResult<T>> {
          if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
          if (failed) return Promise.reject(failed);
          if (done) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => (wake = resolve));
        },
        return(): Promise<IteratorResult<T>> {
          close();
          queue.length = 0;
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
}
export type Hub<T> = ReturnType<typeof createHub<T>>;
