import type { IncomingMessage } from 'node:http';
import { GraphQLError, getOperationAST, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { CloseCode, MessageType, type SubscribePayload } from 'graphql-ws';
import { ErrorCode } from '@booking/contracts';
import { limitRules, parseLimited, type OperationLimits } from '../limits.ts';

export interface SocketGuardOptions {
  limits: OperationLimits;
  /** The client's address behind trusted proxies (service-kit's clientAddressOf). */
  clientAddress(req: IncomingMessage): string;
  maxSocketsPerClient: number;
  maxSubscriptionsPerSocket: number;
  /** Counts a refusal by reason (metrics). */
  onRefused(reason: string): void;
}

/** Messages a graphql-ws client may send; the others are the server's. */
const CLIENT_MESSAGES = new Set<string>([MessageType.ConnectionInit, MessageType.Ping, MessageType.Pong, MessageType.Subscribe, MessageType.Complete]);

/** Valid subscription documents by their text, shared by every subscriber that sends the same one. */
const MAX_CACHED_DOCUMENTS = 1_000;

const refusal = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/**
 * The WebSocket side's checks, in one place: sockets per client address,
 * subscriptions per socket, messages only a server may send, and the same
 * document limits as over HTTP.
 */
export function createSocketGuard(schema: GraphQLSchema, opts: SocketGuardOptions) {
  const rules = [...specifiedRules, ...limitRules(opts.limits)];
  const documents = new Map<string, DocumentNode>();
  const socketsByClient = new Map<string, number>();

  /** Parses and validates once per text; the rules hold for every operation in it, whatever name it is run under. */
  const validated = (query: string): DocumentNode | readonly GraphQLError[] => {
    const known = documents.get(query);
    if (known) return known;
    let document: DocumentNode;
    try {
      document = parseLimited(query, opts.limits);
    } catch (error) {
      opts.onRefused('parse_failed');
      return [refusal(error instanceof GraphQLError ? error.message : 'the document could not be parsed', 'GRAPHQL_PARSE_FAILED')];
    }
    const errors = validate(schema, document, rules);
    if (errors.length > 0) {
      const tooComplex = errors.find((e) => e.extensions.code === ErrorCode.QUERY_TOO_COMPLEX);
      opts.onRefused(tooComplex ? `query_too_complex_${String(tooComplex.extensions.limit)}` : 'validation_failed');
      return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...e.extensions } }));
    }
    if (documents.size >= MAX_CACHED_DOCUMENTS) documents.clear();
    documents.set(query, document);
    return document;
  };

  return {
    /**
     * For ws's verifyClient: a client address over its socket cap is refused
     * with HTTP 429 before the upgrade. The count drops when the TCP socket closes.
     */
    verifyClient(info: { req: IncomingMessage }, done: (ok: boolean, status?: number, message?: string) => void) {
      const client = opts.clientAddress(info.req);
      const open = socketsByClient.get(client) ?? 0;
      if (open >= opts.maxSocketsPerClient) {
        opts.onRefused('too_many_sockets');
        return done(false, 429, 'Too Many Requests');
      }
      socketsByClient.set(client, open + 1);
      info.req.socket.once('close', () => {
        const left = (socketsByClient.get(client) ?? 1) - 1;
        if (left > 0) socketsByClient.set(client, left);
        else socketsByClient.delete(client);
      });
      done(true);
    },

    /** A close code and reason for a message no client may send, or null to let graphql-ws handle it. */
    refuseMessage(data: string): [number, string] | null {
      let type: unknown;
      try {
        type = (JSON.parse(data) as { type?: unknown } | null)?.type;
      } catch {
        return null; // graphql-ws closes malformed messages with 4400 itself
      }
      if (typeof type === 'string' && !CLIENT_MESSAGES.has(type)) {
        opts.onRefused('ws_protocol_violation');
        return [CloseCode.BadRequest, `unexpected message of type ${type.slice(0, 40)}`];
      }
      return null;
    },

    /** For graphql-ws's onSubscribe: the document to run, or why not. */
    prepare(payload: SubscribePayload, openSubscriptions: number): { document: DocumentNode } | readonly GraphQLError[] {
      if (openSubscriptions > opts.maxSubscriptionsPerSocket) {
        opts.onRefused('too_many_subscriptions');
        return [refusal(`at most ${opts.maxSubscriptionsPerSocket} subscriptions per socket`, ErrorCode.TOO_MANY_SUBSCRIPTIONS)];
      }
      const document = validated(payload.query);
      if (!('kind' in document)) return document;
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) {
        opts.onRefused('operation_not_found');
        return [refusal('operationName picks no single operation of the document', ErrorCode.OPERATION_RESOLUTION_FAILURE)];
      }
      if (operation.operation !== 'subscription') {
        opts.onRefused('query_over_websocket');
        return [refusal('only subscriptions are served over WebSocket; send queries and mutations over HTTP', ErrorCode.OPERATION_NOT_SUPPORTED)];
      }
      return { document };
    },

    /** For graphql-ws's onError: errors without a client-facing code say nothing about why. */
    formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
      return errors.map((error) => {
        const code = error.extensions.code;
        const internal = code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR || (error.originalError && !(error.originalError instanceof GraphQLError));
        if (internal) return { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
        const { message, locations, path, extensions } = error.toJSON();
        return { message, locations, path, extensions };
      });
    },
  };
}

export type SocketGuard = ReturnType<typeof createSocketGuard>;
