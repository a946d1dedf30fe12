import http from 'node:http';
import autocannon from 'autocannon';

/** One request of a scenario; `i` counts requests within the run, so each can name a fresh user and seat. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** An answer's body: text from autocannon, the raw bytes in the open loop. */
export interface ResponseBody {
  includes(text: string): boolean;
}

export interface LoadSpec {
  url: string;
  request: (i: number) => LoadRequest;
  /** Whether an answer counts as a success (status and body). */
  ok: (status: number, body: ResponseBody) => boolean;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  failures: number;
  firstFailure?: string;
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
          if (!spec.ok(status, body)) {
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
export function openLoop(spec: LoadSpec, rate: number, seconds: number): Promise<LoadResult> {
  return startOpenLoop(spec, rate, seconds).done;
}

/**
 * An open loop that runs for `seconds` or until stopped (a background load,
 * such as a booking storm under reads). Requests are spread evenly over each
 * second, unlike autocannon's `overallRate`, which sends each second's quota
 * as fast as it can and then waits for the next second.
 */
export function startOpenLoop(spec: LoadSpec, rate: number, seconds = Infinity): { stop(): Promise<LoadResult>; done: Promise<LoadResult> } {
  const target = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let stopped = false;
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  const fire = (due: number) =>
    new Promise<void>((resolve) => {
      const r = spec.request(nextSeq());
      const req = http.request(
        { host: target.hostname, port: target.port, method: r.method, path: r.path, headers: { ...r.headers, ...(r.body ? { 'content-length': Buffer.byteLength(r.body) } : {}) }, agent, timeout: 10_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            latencies.push(performance.now() - due);
            // Searched as bytes: decoding every 600 KB seat map kept the load generator itself busy.
            const body = Buffer.concat(chunks);
            if (!spec.ok(res.statusCode ?? 0, body)) {
              failures++;
              firstFailure ??= `${res.statusCode} ${body.subarray(0, 200).toString('utf8')}`;
            }
            resolve();
          });
        },
      );
      req.on('error', (error) => {
        failures++;
        firstFailure ??= error.message;
        resolve();
      });
      req.end(r.body);
    });
  const run = async (): Promise<LoadResult> => {
    let sent = 0;
    while (sent < total && !stopped) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        const request = fire(start + (sent / rate) * 1000);
        inFlight.add(request);
        void request.then(() => inFlight.delete(request));
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - start) / 1000;
    agent.destroy();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
    return { rps: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99), max: latencies.at(-1) ?? NaN, total: latencies.length, failures, firstFailure };
  };
  const done = run();
  return {
    done,
    stop() {
      stopped = true;
      return done;
    },
  };
}
