import http from 'node:http';
import type { GraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { GraphQLPost } from '@booking/service-kit';
import type { GatewayContext } from './context.ts';

export interface SubgraphClient extends GraphQLDataSource<GatewayContext> {
  /** Opens `connections` keep-alive connections, so a first burst does not open them all at once. */
  warm(connections: number): Promise<void>;
  close(): void;
}

/**
 * Sends the gateway's subgraph requests over node:http with a keep-alive pool.
 * RemoteGraphQLDataSource builds node-fetch Headers and Request objects for
 * every call (it constructs a Request even when given another fetcher) and
 * parses cache-control headers no one here uses; in profiles of the intake
 * path that plumbing cost more than the subgraph call itself.
 * `headers(context)` is the one place that says what a subgraph learns about
 * the caller. `inProcess`, when given, answers instead of HTTP.
 */
export function createSubgraphClient(url: string, headers: (context: GatewayContext) => Record<string, string>, inProcess?: GraphQLPost): SubgraphClient {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'fifo' });
  const overHttp = (payload: object, extra: Record<string, string>) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const body = JSON.stringify(payload);
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: 'POST',
          agent,
          headers: { ...extra, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  // A subgraph in the same process (embedded mode) is called without HTTP.
  const post = inProcess ?? overHttp;

  return {
    async process({ request, context }) {
      const { http: _http, ...payload } = request;
      const { status, text } = await post(payload, headers(context as GatewayContext));
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (status < 200 || status >= 300 || typeof body !== 'object' || body === null) {
        // Like RemoteGraphQLDataSource: a non-2xx answer is an error of this fetch, with the body for the logs.
        throw new GraphQLError(`${status}: ${http.STATUS_CODES[status] ?? 'unexpected answer'}`, {
          extensions: { ...(status === 401 ? { code: 'UNAUTHENTICATED' } : status === 403 ? { code: 'FORBIDDEN' } : {}), response: { url, status, body: body ?? text.slice(0, 500) } },
        });
      }
      return body;
    },
    async warm(connections) {
      if (inProcess) return;
      const probe = () =>
        new Promise<void>((resolve) => {
          const req = http.request({ host: target.hostname, port: target.port, path: '/healthz', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          });
          req.on('error', () => resolve());
          req.end();
        });
      await Promise.all(Array.from({ length: connections }, probe));
    },
    close: () => agent.destroy(),
  };
}
