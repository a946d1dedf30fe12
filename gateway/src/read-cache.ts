import type { SentResponse } from '@booking/service-kit';

/** What running a request gave, and whether it may be shared with other anonymous callers. */
export interface Produced {
  response: SentResponse;
  shareable: boolean;
}

export interface ReadCacheOptions {
  /** How long an answer is served to others after its execution started, in ms; 0 turns the cache off. */
  ttlMs: number;
  /**
   * How long past `ttlMs` an answer is still served, while one execution
   * refreshes it, in ms; 0 makes requests past the ttl wait for a new one.
   */
  staleMs?: number;
  /** Bytes of answers kept at most (bodies counted as UTF-16 text). */
  maxBytes: number;
  now?: () => number;
}

interface Entry {
  response: SentResponse;
  startedAt: number;
  bytes: number;
}

/**
 * Anonymous read answers shared for a short time: during an on-sale
 * thousands of anonymous clients ask the same seat map and event list, and
 * through federation each answer costs milliseconds of CPU (a 10,000-seat
 * map tens of them). Identical requests (the key: the body and whatever else
 * changes the answer) get the answer of one execution that started at most
 * `ttlMs` earlier; identical requests arriving while it runs wait for it
 * instead of running again.
 *
 * The caller decides what is shareable: only answers that depend on nothing
 * but the request (no caller, a query, no errors). An answer replaces one
 * only if its execution started later, so what one gateway serves never
 * moves backwards. Staleness is bounded by `ttlMs` plus one execution.
 */
export function createReadCache({ ttlMs, staleMs = 0, maxBytes, now = Date.now }: ReadCacheOptions) {
  const entries = new Map<string, Entry>();
  const running = new Map<string, Promise<Produced>>();
  let bytes = 0;
  const counts = { hit: 0, shared: 0, miss: 0, stale: 0 };

  const drop = (key: string, entry: Entry) => {
    entries.delete(key);
    bytes -= entry.bytes;
  };

  function keep(key: string, response: SentResponse, startedAt: number) {
    const old = entries.get(key);
    if (old && old.startedAt >= startedAt) return;
    if (old) drop(key, old);
    const entry = { response, startedAt, bytes: response.body.length * 2 + key.length * 2 };
    if (entry.bytes > maxBytes) return;
    // Oldest first: expired ones, then as many of the rest as the bound needs.
    const t = now();
    for (const [k, e] of entries) {
      if (bytes + entry.bytes <= maxBytes && t - e.startedAt < ttlMs + staleMs) break;
      drop(k, e);
    }
    entries.set(key, entry);
    bytes += entry.bytes;
  }

  /** The answer kept for `key` if it is still fresh, without running anything. */
  function kept(key: string): SentResponse | null {
    const entry = ttlMs > 0 ? entries.get(key) : undefined;
    if (!entry || now() - entry.startedAt >= ttlMs) return null;
    counts.hit++;
    return entry.response;
  }

  /** Runs `run` as the execution others with `key` wait for, and keeps its answer if shareable. */
  async function execute(key: string, run: () => Promise<Produced>): Promise<Produced> {
    const startedAt = now();
    const produced = run();
    running.set(key, produced);
    try {
      const result = await produced;
      if (result.shareable) keep(key, result.response, startedAt);
      return result;
    } finally {
      running.delete(key);
    }
  }

  return {
    /** Cache activity since start: served from a kept answer, from a running one, or executed. */
    counts: () => ({ ...counts }),
    kept,
    /**
     * The answer for `key`: kept, running, or produced now by `run`. A null
     * key (not cacheable) always runs.
     */
    async answer(key: string | null, run: () => Promise<Produced>): Promise<SentResponse> {
      if (key === null || ttlMs <= 0) return (await run()).response;
      const fresh = kept(key);
      if (fresh) return fresh;
      const inFlight = running.get(key);
      const old = entries.get(key);
      if (old && now() - old.startedAt < ttlMs + staleMs) {
        counts.stale++;
        if (!inFlight) void execute(key, run).catch(() => undefined);
        return old.response;
      }
      if (inFlight) {
        const produced = await inFlight.catch(() => null);
        // An answer for that caller alone (say, an error) is not given to the others waiting: they run themselves.
        if (produced?.shareable) {
          counts.shared++;
          return produced.response;
        }
        return (await run()).response;
      }
      counts.miss++;
      return (await execute(key, run)).response;
    },
  };
}
export type ReadCache = ReturnType<typeof createReadCache>;
