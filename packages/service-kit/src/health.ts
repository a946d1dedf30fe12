import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Readiness = () => Promise<Record<string, boolean>> | Record<string, boolean>;

/** Answers /healthz (alive) and /readyz (every dependency ready); false when not handled. */
export async function handleHealth(req: IncomingMessage, res: ServerResponse, readiness: Readiness): Promise<boolean> {
  const path = (req.url ?? '').split('?')[0];
  if (path === '/healthz') {
    send(res, 200, { status: 'ok' });
    return true;
  }
  if (path === '/readyz') {
    let checks: Record<string, boolean>;
    try {
      checks = await readiness();
    } catch {
      checks = { readiness: false };
    }
    const ready = Object.values(checks).every(Boolean);
    send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
    return true;
  }
  return false;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** A bare health server for processes that serve nothing else (worker, relay, projector). */
export function createHealthServer(readiness: Readiness) {
  const server = http.createServer((req, res) => {
    void handleHealth(req, res, readiness).then((handled) => {
      if (!handled) send(res, 404, { error: 'not found' });
    });
  });
  return {
    listen(port: number, host = '0.0.0.0'): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
