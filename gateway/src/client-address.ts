import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * The client's address for per-client limits, over HTTP and WebSocket alike:
 * addresses forwarded (X-Forwarded-For) by a trusted proxy are believed,
 * nobody else's. `trusted` is what Express's `trust proxy` takes
 * (`loopback`, `uniquelocal`, CIDRs, comma-separated).
 */
export function clientAddressOf(trusted: string): (req: IncomingMessage) => string {
  const trust = proxyaddr.compile(trusted.split(',').map((s) => s.trim()));
  return (req) => proxyaddr(req, trust);
}
