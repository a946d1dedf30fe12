import type { IncomingHttpHeaders, Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import { makeServer } from 'graphql-ws';
import { createHandler } from 'graphql-sse/lib/use/express';
import type { Logger } from './logger.ts';
import { serveWebSockets, type SocketExtra } from './ws-transport.ts';

/** What a subgraph's context is built from, whichever transport carried the operation. */
export interface RequestHeaders {
  headers: IncomingHttpHeaders;
}

export interface SubscriptionTransportOptions<C> {
  server: Server;
  schema: GraphQLSchema;
  context: (req: RequestHeaders) => Promise<C> | C;
  log: Logger;
  path?: string;
}

/** Bytes queued for a router that is not reading before its socket is closed (4008). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * Identity on a socket: the upgrade request's headers (what Apollo Router's
 * header propagation sets), overridden by string values of the
 * `connection_init` payload, names lower-cased (what Hive Gateway and this
 * project's gateway send).
 */
export function socketHeaders(upgrade: IncomingHttpHeaders, connectionParams: Readonly<Record<string, unknown>> | undefined): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...upgrade };
  for (const [name, value] of Object.entries(connectionParams ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return headers;
}

const wantsEventStream = (req: Request) => (req.headers.accept ?? '').includes('text/event-stream');

/**
 * Serves a subgraph's subscriptions the way federation routers reach
 * subgraphs, on its GraphQL path: graphql-ws (the `graphql-transport-ws`
 * subprotocol: Apollo Router's passthrough mode, Hive Gateway's ws
 * transport, this project's gateway) and GraphQL over SSE (Hive Gateway's
 * default HTTP transport asks for `text/event-stream`). Mount `sse` before
 * the ordinary HTTP handler.
 */
export function serveSubscriptions<C>(opts: SubscriptionTransportOptions<C>) {
  const server = makeServer<Record<string, unknown> | undefined, SocketExtra & { headers: IncomingHttpHeaders }>({
    schema: opts.schema,
    context: (ctx) => opts.context({ headers: socketHeaders(ctx.extra.headers, ctx.connectionParams) }) as never,
    onError: (_ctx, _id, _payload, errors) => opts.log.debug({ errors: errors.map((e) => e.message) }, 'subscription refused'),
  });
  // Sends are queued at once rather than one kernel write at a time per
  // subscription (graphql-ws/use/ws), so a burst of changes leaves without a
  // round of the event loop per message.
  const ws = serveWebSockets({ httpServer: opts.server, server, extra: (socket, request) => ({ socket, headers: request.headers }), log: opts.log, maxBufferedBytes: MAX_BUFFERED_BYTES, path: opts.path });
  const streams = new Set<Response>();
  const handler = createHandler({
    schema: opts.schema,
    context: (req) => opts.context({ headers: req.raw.headers }) as never,
  });
  return {
    /** Express middleware answering requests that accept `text/event-stream`. */
    sse(req: Request, res: Response, next: NextFunction) {
      if (!wantsEventStream(req)) return next();
      streams.add(res);
      res.once('close', () => streams.delete(res));
      handler(req, res).catch((err: unknown) => {
        opts.log.warn({ err }, 'event stream failed');
        if (!res.headersSent) res.status(500).end();
        else res.end();
      });
    },
    /** Open sockets and event streams. */
    size: () => ws.sockets() + streams.size,
    /** Ends every stream and socket (1001 Going Away); routers resubscribe elsewhere. */
    async stop() {
      for (const res of streams) res.end();
      await ws.stop();
    },
  };
}
