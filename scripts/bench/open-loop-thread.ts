/**
 * The open loop of scripts/bench/load.ts, in a thread of its own: requests
 * leave on time even while the benchmark's main thread is busy with a
 * closed loop, a second open loop, signing tokens or collecting garbage.
 * Every latency counts from when its request was due, so whatever delay is
 * left shows in the figures, and `late` says how much of it was the sender's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createHttp1Client, serialize } from './http1.ts';
import { accepts, type OpenLoopMessage, type OpenLoopStart, type OpenLoopReply } from './load-types.ts';

const { url, rate, total, check, requests } = workerData as OpenLoopStart;
const port = parentPort!;
const post = (reply: OpenLoopReply) => port.postMessage(reply);

/** Requests not sent yet, from `head` on. More arrive from the main thread when fewer than LEAD_SECONDS' worth are left. */
let queue = requests;
let head = 0;
let asked = false;
let stopped = false;
const LEAD_SECONDS = 2;
port.on('message', (message: OpenLoopMessage) => {
  if ('more' in message) {
    queue = queue.slice(head).concat(message.more);
    head = 0;
    asked = false;
  } else stopped = true;
});

const client = createHttp1Client(url);
const latencies: number[] = [];
const late: number[] = [];
let failures = 0;
let firstFailure: string | undefined;
const inFlight = new Set<Promise<void>>();

async function fire(r: OpenLoopStart['requests'][number], due: number) {
  late.push(performance.now() - due);
  const answer = await client.request(serialize(r, client.host));
  if ('error' in answer) {
    failures++;
    firstFailure ??= answer.error;
    return;
  }
  latencies.push(performance.now() - due);
  // Searched as bytes: decoding every 600 KB seat map kept the load generator itself busy.
  if (!accepts(check, answer.status, answer.body)) {
    failures++;
    firstFailure ??= `${answer.status} ${answer.body.subarray(0, 200).toString('utf8')}`;
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

const start = performance.now();
let sent = 0;
const limit = total ?? Infinity;
while (sent < limit && !stopped) {
  const now = performance.now();
  const due = Math.min(limit, Math.floor(((now - start) / 1000) * rate) + 1);
  for (; sent < due && head < queue.length; sent++) {
    const request = fire(queue[head++]!, start + (sent / rate) * 1000);
    inFlight.add(request);
    void request.then(() => inFlight.delete(request));
  }
  if (total === null && !asked && queue.length - head < rate * LEAD_SECONDS) {
    asked = true;
    post({ need: Math.ceil(rate * LEAD_SECONDS) });
  }
  await new Promise((r) => setTimeout(r, 1));
}
await Promise.all(inFlight);
const elapsed = (performance.now() - start) / 1000;
client.close();
latencies.sort((a, b) => a - b);
late.sort((a, b) => a - b);
post({
  done: {
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    total: latencies.length,
    failures,
    firstFailure,
    late: { p99: percentile(late, 0.99), max: late.at(-1) ?? NaN },
  },
});
port.close();
