import type { Request, Response } from 'express';
import { Counter, Gauge, Registry } from 'prom-client';

const securityRegistry = new Registry();
const refusals = new Counter({
  name: 'gateway_security_refusals_total',
  help: 'Requests refused for security or abuse reasons (limits hit, rate limited, protocol violations, bad input), by reason',
  labelNames: ['reason'],
  registers: [securityRegistry],
});

/** Security events, counted by reason (`rate_limited_user`, `query_too_complex`, `token_expired`, ...). */
export const security = {
  refused(reason: string) {
    refusals.inc({ reason });
  },
};

export interface MetricSources {
  sockets(): number;
  /** Client subscriptions by root field. */
  subscriptions(field: 'seatStatusChanged' | 'bookingUpdated'): number;
  /** Subscriptions to the subgraphs (shared by clients asking the same) and the sockets carrying them. */
  upstream(): { subscriptions: number; sockets: number };
  slowClosed(): number;
}

/** GET /metrics: Prometheus text for this gateway and the security counters. */
export function metricsHandler(sources: MetricSources) {
  const own = new Registry();
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [own],
      collect() {
        this.set(read());
      },
    });
  gauge('gateway_ws_connections', 'Open WebSockets', sources.sockets);
  new Gauge({
    name: 'gateway_subscriptions',
    help: 'Open client subscriptions by root field',
    labelNames: ['field'],
    registers: [own],
    collect() {
      for (const field of ['seatStatusChanged', 'bookingUpdated'] as const) this.set({ field }, sources.subscriptions(field));
    },
  });
  gauge('gateway_upstream_subscriptions', 'Subscriptions to the subgraphs, each shared by the clients asking the same', () => sources.upstream().subscriptions);
  gauge('gateway_upstream_sockets', 'WebSockets to the subgraphs (one per subgraph and token)', () => sources.upstream().sockets);
  new Counter({
    name: 'gateway_ws_slow_closes_total',
    help: 'Sockets closed with 4008 because the client stopped reading',
    registers: [own],
    collect() {
      this.reset();
      this.inc(sources.slowClosed());
    },
  });
  gauge('process_resident_memory_bytes', 'Resident memory', () => process.memoryUsage().rss);
  gauge('nodejs_heap_used_bytes', 'V8 heap in use', () => process.memoryUsage().heapUsed);
  gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript (buffers, sockets)', () => process.memoryUsage().external);
  const registry = Registry.merge([own, securityRegistry]);

  return async (req: Request, res: Response) => {
    // Leak checks and benchmarks ask for heap after a full collection; only
    // possible when the process was started with --expose-gc.
    if (req.query.gc !== undefined) globalThis.gc?.();
    res.type(registry.contentType).send(await registry.metrics());
  };
}
