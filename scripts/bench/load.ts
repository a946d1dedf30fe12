import autocannon from 'autocannon';
import { startTypeScriptThread } from '@booking/service-kit/thread';
import { accepts, type AnswerCheck, type LoadRequest, type LoadResult, type OpenLoopMessage, type OpenLoopReply, type OpenLoopResult, type OpenLoopStart } from './load-types.ts';

export type { LoadRequest, LoadResult, OpenLoopResult, ResponseBody } from './load-types.ts';

export interface LoadSpec {
  url: string;
  /** Request number `i` of the process: each can name a fresh user and seat. */
  request: (i: number) => LoadRequest;
  /** Whether an answer counts as a success (status and body). */
  ok: AnswerCheck;
}

/** How late the load generator itself sent its requests, when 1 % of them left 5 ms or more after they were due; null otherwise. */
export function sentLate(r: OpenLoopResult): string | null {
  if (r.late.p99 < 5) return null;
  const ms = (n: number) => Math.round(n).toLocaleString('en-US');
  return `sent late: p99 ${ms(r.late.p99)} ms, max ${ms(r.late.max)} ms`;
}

let seq = 0;
/** A process-wide counter: every request of every run gets its own number. */
export const nextSeq = () => seq++;

/** Closed loop: `connections` clients each sending the next request when the previous one is answered. */
export async function closedLoop(spec: LoadSpec, connections: number, seconds: number): Promise<LoadResult> {
  let failures = 0;
  let firstFailure: string | undefined;
  const result = await autocannon({
    url: spec.url,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        setupRequest(req) {
          const r = spec.request(nextSeq());
          return { ...req, method: r.method, path: r.path, headers: r.headers ?? {}, body: r.body };
        },
        onResponse(status, body) {
          if (!accepts(spec.ok, status, body)) {
            failures++;
            firstFailure ??= `${status} ${body.slice(0, 200)}`;
          }
        },
      },
    ],
  });
  return {
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    failures: failures + result.errors + result.timeouts,
    firstFailure: firstFailure ?? (result.errors ? `${result.errors} connection errors` : undefined),
  };
}

/**
 * Open loop: requests leave at a fixed rate whatever the answers do, and each
 * latency counts from the moment its request was due, so a stall shows as the
 * queue it builds (no coordinated omission).
 */
export function openLoop(spec: LoadSpec, rate: number, seconds: number): Promise<OpenLoopResult> {
  return startOpenLoop(spec, rate, seconds).done;
}

/**
 * An open loop that runs for `seconds` or until stopped (a background load,
 * such as a booking storm under reads). Requests are spread evenly over each
 * second, unlike autocannon's `overallRate`, which sends each second's quota
 * as fast as it can and then waits for the next second. The requests are
 * made here and sent from a thread of their own (open-loop-thread.ts).
 */
export function startOpenLoop(spec: LoadSpec, rate: number, seconds = Infinity): { stop(): Promise<OpenLoopResult>; done: Promise<OpenLoopResult> } {
  const total = Number.isFinite(seconds) ? Math.round(rate * seconds) : null;
  let made = 0;
  const make = (n: number) => {
    const out: LoadRequest[] = [];
    for (; out.length < n && (total === null || made < total); made++) out.push(spec.request(nextSeq()));
    return out;
  };
  // A bounded loop gets every request at once; an unbounded one three seconds' worth, then more as the thread asks.
  const start: OpenLoopStart = { url: spec.url, rate, total, check: spec.ok, requests: make(total ?? Math.ceil(rate * 3)) };
  const thread = startTypeScriptThread(new URL('./open-loop-thread.ts', import.meta.url), { workerData: start });
  const done = new Promise<OpenLoopResult>((resolve, reject) => {
    thread.on('message', (reply: OpenLoopReply) => {
      if ('need' in reply) thread.postMessage({ more: make(reply.need) } satisfies OpenLoopMessage);
      else resolve(reply.done);
    });
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the open loop's thread exited with ${code} before its result`)));
  });
  return {
    done,
    stop() {
      thread.postMessage({ stop: true } satisfies OpenLoopMessage);
      return done;
    },
  };
}
