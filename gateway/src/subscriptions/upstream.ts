import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ErrorCode } from '@booking/contracts';
import type { Logger } from '@booking/service-kit';
import type { UpstreamError, UpstreamResult } from './entities.ts';

/** What a subscriber's identity is forwarded as: `connection_init` payload upstream, headers on entity fetches. */
export type Identity = Readonly<Record<string, string>>;

export interface UpstreamListener {
  next(result: UpstreamResult): void;
  /** The subscription ended; with errors when it was refused or failed. */
  end(errors?: UpstreamError[]): void;
}

const unavailable = (message: string): UpstreamError[] => [{ message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }];

function upstreamErrors(error: unknown): UpstreamError[] {
  if (Array.isArray(error)) return error.map((e: UpstreamError) => ({ message: e.message, ...(e.extensions ? { extensions: e.extensions } : {}) }));
  // A close the client will not retry (a refused connection_init, say), or a socket error.
  const code = (error as { code?: unknown } | null)?.code;
  return unavailable(typeof code === 'number' && code >= 4400 && code < 4500 ? 'the subgraph refused the subscription connection' : 'the subgraph subscription failed');
}

/**
 * Subscriptions to the subgraphs over graphql-ws, as a federation router
 * makes them: one socket per (subgraph, identity), closed shortly after its
 * last subscription ends, and ONE upstream subscription per distinct
 * (subgraph operation, variables, identity) whatever the number of
 * subscribers behind it. A dropped socket is reopened and its
 * subscriptions resumed; changes in between are not replayed (clients
 * order by version).
 */
export function createUpstream(urls: Record<string, string>, log: Logger) {
  const clients = new Map<string, { client: Client; users: number }>();
  const shared = new Map<string, { listeners: Set<UpstreamListener>; unsubscribe: () => void }>();

  const clientFor = (service: string, identity: Identity, identityKey: string) => {
    const key = `${service}\u0000${identityKey}`;
    let entry = clients.get(key);
    if (!entry) {
      const url = urls[service];
      if (!url) throw new Error(`no URL for subgraph ${service}`);
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { ...identity },
        lazy: true,
        lazyCloseTimeout: 3_000,
        keepAlive: 10_000,
        retryAttempts: Number.MAX_SAFE_INTEGER,
        retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** retries))),
        shouldRetry: (event) => !((event as { code?: number }).code! >= 4400 && (event as { code?: number }).code! < 4500),
        on: { closed: (event) => log.debug({ service, code: (event as { code?: number }).code }, 'subgraph subscription socket closed') },
      });
      entry = { client, users: 0 };
      clients.set(key, entry);
    }
    entry.users++;
    return {
      client: entry.client,
      release() {
        if (--entry.users === 0) {
          clients.delete(key);
          void entry.client.dispose();
        }
      },
    };
  };

  return {
    /** Upstream subscriptions open, and the sockets carrying them. */
    size: () => ({ subscriptions: shared.size, sockets: clients.size }),
    /** Joins the upstream subscription for this operation, opening it if it is the first; returns the way out. */
    subscribe(service: string, query: string, variables: Record<string, unknown>, identity: Identity, listener: UpstreamListener): () => void {
      const identityKey = JSON.stringify(identity);
      const key = [service, query, JSON.stringify(variables), identityKey].join('\u0000');
      let entry = shared.get(key);
      if (!entry) {
        const listeners = new Set<UpstreamListener>();
        const { client, release } = clientFor(service, identity, identityKey);
        let open = true;
        const finish = (errors?: UpstreamError[]) => {
          if (!open) return;
          open = false;
          if (shared.get(key) === entry) shared.delete(key);
          release();
          for (const l of [...listeners]) l.end(errors);
        };
        const dispose = client.subscribe<Record<string, unknown>>(
          { query, variables },
          {
            next: (result) => listeners.forEach((l) => l.next(result as UpstreamResult)),
            error: (error) => finish(upstreamErrors(error)),
            complete: () => finish(),
          },
        );
        entry = {
          listeners,
          unsubscribe() {
            if (!open) return;
            open = false;
            shared.delete(key);
            dispose();
            release();
          },
        };
        shared.set(key, entry);
      }
      const joined = entry;
      joined.listeners.add(listener);
      return () => {
        joined.listeners.delete(listener);
        if (joined.listeners.size === 0) joined.unsubscribe();
      };
    },
    async stop() {
      for (const entry of [...shared.values()]) entry.unsubscribe();
      await Promise.all([...clients.values()].map(({ client }) => client.dispose()));
      clients.clear();
    },
  };
}
export type Upstream = ReturnType<typeof createUpstream>;
