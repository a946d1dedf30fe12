/**
 * Diagnostic for the intake path: the same requestBooking load against each
 * layer in turn (bookings subgraph directly, gateway directly, NGINX), so the
 * cost of each hop shows. Not part of the benchmark record.
 *
 *   npx tsx scripts/bench/layers.ts [--duration 8] [--connections 100] [--layers subgraph,gateway,nginx]
 *                                   [--stop worker,relay,projector]   (roles to stop first, to see the intake path alone)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { authorizations, startStack, type Role, type Stack } from '@booking/testkit';
import { SEED_EVENTS } from '../../prisma/seed.ts';
import { cpuSnapshot, cpuUsage } from './cpu.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '100' },
    layers: { type: 'string', default: 'subgraph,gateway,nginx' },
    env: { type: 'string', multiple: true, default: [] },
    stop: { type: 'string', default: '' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const extraEnv = Object.fromEntries(values.env.map((kv) => kv.split('=') as [string, string]));
const MUTATION = 'mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }';
const seats = SEED_EVENTS.find((e) => e.id === 'arena10k')!.seats.map((s) => s.id);
let seq = 0;
/** Distinct callers, cycled through (tokens are signed before the run). */
const callers = await authorizations('layers-', 5000);

let stack: Stack | undefined;
process.once('SIGINT', () => void stack?.stop().finally(() => process.exit(130)));
try {
  stack = await startStack('layers', { LOG_LEVEL: 'info', ...extraEnv });
  for (const role of values.stop.split(',').filter(Boolean)) await stack.kill(role as Role);
  const log = readFileSync(`${ROOT}.artifacts/e2e/${stack.name}/bookings.log`, 'utf8');
  const port = /"port":(\d+),"msg":"bookings subgraph listening"/.exec(log)?.[1];
  const targets: Record<string, string> = { subgraph: `http://127.0.0.1:${port}/graphql`, gateway: `${stack.gatewayUrl}/graphql`, nginx: stack.graphqlUrl };
  for (const layer of values.layers.split(',')) {
    const url = targets[layer]!;
    let pending = 0;
    let other = 0;
    let sample = '';
    const run = (seconds: number) =>
      autocannon({
        url,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            setupRequest(req) {
              const i = seq++;
              req.headers = { 'content-type': 'application/json', authorization: callers[i % callers.length]! };
              req.body = JSON.stringify({ query: MUTATION, variables: { input: { eventId: 'arena10k', seatIds: [seats[i % seats.length]] } } });
              return req;
            },
            onResponse(status, body) {
              if (status === 200 && body.includes('"PENDING"')) pending++;
              else {
                other++;
                sample ||= `${status} ${body.slice(0, 200)}`;
              }
            },
          },
        ],
      });
    await run(2); // warm-up
    pending = other = 0;
    const a = cpuSnapshot();
    const r = await run(duration);
    const u = cpuUsage(a, cpuSnapshot(), stack.nginxPrefix);
    process.stdout.write(
      `\n${layer.padEnd(8)} ${url}\n  ${r.requests.average.toFixed(0)} req/s, latency p50 ${r.latency.p50} p90 ${r.latency.p90} p99 ${r.latency.p99} max ${r.latency.max} ms, PENDING ${pending}, other ${other}${sample ? ` (${sample})` : ''}, errors ${r.errors}\n  CPU (machine ${u.machineCores.toFixed(2)} cores): ${u.groups
        .filter((g) => g.cores >= 0.02)
        .map((g) => `${g.name} ${g.cores.toFixed(2)}`)
        .join(', ')}\n`,
    );
  }
} finally {
  await stack?.stop();
}
