import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, handleProtocols, type Server } from 'graphql-ws';
import type { Logger } from './logger.ts';

/** Close code for a client that stopped reading (application range; graphql-ws uses 44xx/45xx). */
export const SLOW_CLIENT_CLOSE_CODE = 4008;
/** Ping interval; a socket that has not answered the previous ping by the next one is dropped. Well inside NGINX's idle timeout. */
const KEEP_ALIVE_MS = 10_000;

export interface SocketExtra {
  socket: WebSocket;
}

export interface WebSocketTransportDeps<E extends SocketExtra> {
  httpServer: HttpServer;
  server: Server<E>;
  /** What graphql-ws keeps per socket; keep little: there may be tens of thousands. */
  extra(socket: WebSocket, request: IncomingMessage): E;
  log: Logger;
  /** Bytes queued on a socket the client is not reading before it is closed with 4008. */
  maxBufferedBytes: number;
  path?: string;
  /** ws's verifyClient: refuses an upgrade (a client over its socket cap, say). */
  verifyClient?: (info: { req: IncomingMessage }, done: (ok: boolean, status?: number, message?: string) => void) => void;
  /** A close code and reason for a message to refuse before graphql-ws sees it, or null. */
  refuseMessage?: (data: string) => [number, string] | null;
}

/**
 * graphql-ws over `ws` (at /graphql by default), bounded in bytes per socket.
 *
 * graphql-ws's own ws binding (graphql-ws/use/ws) resolves a send only once
 * the kernel has taken the bytes, and a subscription does not produce its
 * next message before that: a stalled client would park its subscriptions
 * with almost nothing queued, never reaching the byte limit. Here a send is
 * queued at once, ws's bufferedAmount grows while the client is not reading,
 * and crossing the limit closes the socket. Memory held for a stalled client
 * is bounded by the limit plus one message.
 */
export function serveWebSockets<E extends SocketExtra>(deps: WebSocketTransportDeps<E>) {
  const { log } = deps;
  let slowClosed = 0;
  const serve = (socket: WebSocket, request: IncomingMessage) => {
    let answered = true;
    socket.on('pong', () => (answered = true));
    const ping = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return; // closing: ws ends it within its own close timeout
      if (!answered) return socket.terminate();
      answered = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    socket.once('error', (err) => {
      log.warn({ err }, 'subscriber socket failed');
      socket.close(CloseCode.InternalServerError, 'internal server error');
    });
    const closed = deps.server.opened(
      {
        protocol: socket.protocol,
        send(data) {
          if (socket.readyState !== socket.OPEN) return;
          socket.send(data);
          if (socket.bufferedAmount > deps.maxBufferedBytes) {
            slowClosed++;
            log.warn({ bufferedAmount: socket.bufferedAmount }, 'closing a subscriber that stopped reading');
            socket.close(SLOW_CLIENT_CLOSE_CODE, 'subscriber too slow: buffer limit exceeded');
          }
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            const refused = deps.refuseMessage?.(String(data));
            if (refused) return socket.close(...refused);
            handle(String(data)).catch((err: unknown) => {
              log.error({ err }, 'graphql-ws message handling failed');
              socket.close(CloseCode.InternalServerError, 'internal server error');
            });
          }),
      },
      deps.extra(socket, request),
    );
    socket.once('close', (code, reason) => {
      clearInterval(ping);
      void closed(code, String(reason));
    });
  };
  const wss = new WebSocketServer({ server: deps.httpServer, path: deps.path ?? '/graphql', maxPayload: 64 * 1024, handleProtocols, ...(deps.verifyClient ? { verifyClient: deps.verifyClient } : {}) });
  wss.on('connection', serve);
  // The server's own errors (a port already taken) are re-emitted here; its
  // owner answers them where it listens, so they must not crash the process.
  wss.on('error', (err) => log.debug({ err }, 'HTTP server error, seen by the subscription socket server'));

  return {
    /** Open sockets, for metrics and leak checks. */
    sockets: () => wss.clients.size,
    /** Sockets closed with 4008 since start. */
    slowClosed: () => slowClosed,
    /** Closes every socket with 1001 Going Away; clients reconnect elsewhere. */
    async stop() {
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
