/**
 * Diagnostic: how far `POST /api/book` could go on this machine if the
 * booking pipeline cost nothing. Each round runs three closed loops at 50
 * connections, each request from a distinct user: the baseline (the original
 * write path, as `npm run bench` runs it), `POST /api/book` through NGINX
 * with the worker, outbox relay and projector stopped (SIGSTOP), and
 * `POST /api/book` with them running. Between loops the pipeline gets
 * `--pause` seconds to work off what the previous one left, so no loop
 * shares the machine with another's backlog. The stopped figure decides
 * nothing, so it does not depend on what is left to sell; the running one
 * does: the first rounds sell the intake event's 10,000 seats (seat changes
 * for the projector and FerretDB), later ones are refused in the worker.
 *
 *   npx tsx scripts/bench/intake-ceiling.ts [--rounds 3] [--seconds 8] [--pause 25]
 *
 * BENCH_APP_ENV (JSON) adds settings to every app process, as for `npm run bench`.
 */
import { parseArgs } from 'node:util';
import { serviceEnv, startStack, type Role } from '@booking/testkit';
import { BENCH_APP_ENV, restBooking, signCallers, startBaseline } from './intake.ts';
import { closedLoop } from './load.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '8' }, pause: { type: 'string', default: '25' } } });
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const pause = () => new Promise((resolve) => setTimeout(resolve, Number(values.pause) * 1000));
const CONNECTIONS = 50;
const PIPELINE: Role[] = ['worker', 'relay', 'projector'];

const callers = await signCallers(200_000);
const stack = await startStack('ceiling', BENCH_APP_ENV);
const baseline = await startBaseline(serviceEnv().kafkaBrokers, `${stack.name}.baseline-requests`);
const signal = (name: NodeJS.Signals) => PIPELINE.forEach((role) => process.kill(stack.pids()[role]!, name));
const rest = (url: string) => closedLoop(restBooking(url, callers), CONNECTIONS, seconds);
const ratio = (rps: number, base: number) => `${rps.toFixed(0)} req/s (${(rps / base).toFixed(2)}x)`;
try {
  // Warm both paths.
  await closedLoop(restBooking(stack.url, callers), CONNECTIONS, 3);
  await closedLoop(restBooking(baseline.url, callers), CONNECTIONS, 3);
  await pause();
  for (let round = 1; round <= rounds; round++) {
    const base = await rest(baseline.url);
    signal('SIGSTOP');
    let stopped;
    try {
      stopped = await rest(stack.url);
    } finally {
      signal('SIGCONT');
    }
    await pause();
    const running = await rest(stack.url);
    console.log(
      `round ${round}: baseline ${base.rps.toFixed(0)} req/s; POST /api/book ${ratio(running.rps, base.rps)}; ` +
        `with the worker, relay and projector stopped ${ratio(stopped.rps, base.rps)}`,
    );
    await pause();
  }
} finally {
  await baseline.stop();
  await stack.stop();
}
