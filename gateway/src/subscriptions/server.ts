import type { Server } from 'node:http';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { makeServer } from 'graphql-ws';
import { ErrorCode } from '@booking/contracts';
import { serveWebSockets, type Logger, type SocketExtra } from '@booking/service-kit';
import type { Caller } from '../context.ts';
import type { SocketGuard } from './guard.ts';
import { createSubgraphFetch } from './entities.ts';
import { createSubscriptionPlanner } from './planner.ts';
import { createSharedResults } from './results.ts';
import { createUpstream, type Identity } from './upstream.ts';

export interface SubscriptionServerDeps {
  httpServer: Server;
  supergraphSdl: string;
  /** Subgraph GraphQL URLs by name; subscriptions go to the same path over WebSocket. */
  subgraphUrls: Record<string, string>;
  /** The caller named by connection_init's `authorization`; throws a GraphQLError for a refused token. */
  identify: (authorization: unknown) => Promise<Caller | null>;
  log: Logger;
  /** Socket caps, protocol checks and document limits (./guard.ts, made with this server's schema). */
  guard: (schema: GraphQLSchema) => SocketGuard;
  /** Bytes queued on a socket the client is not reading before it is closed with 4008. */
  maxBufferedBytes: number;
}

interface Extra extends SocketExtra {
  identity: Identity;
}

/**
 * graphql-ws on the gateway's HTTP server at /graphql. Each subscription is
 * planned over the supergraph, forwarded to the subgraph that owns its root
 * field (shared by every subscriber asking the same), and completed with
 * entity fetches to the other subgraphs, as federation routers do.
 */
export function createSubscriptionServer(deps: SubscriptionServerDeps) {
  const planner = createSubscriptionPlanner(deps.supergraphSdl);
  const schema = planner.apiSchema;
  const guard = deps.guard(schema);
  const upstream = createUpstream(deps.subgraphUrls, deps.log);
  const results = createSharedResults({ schema, planner, upstream, fetch: createSubgraphFetch(deps.subgraphUrls), log: deps.log });

  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    schema,
    async onConnect(ctx) {
      const params = ctx.connectionParams ?? {};
      try {
        const caller = await deps.identify(params.authorization ?? params.Authorization);
        // The subgraphs verify the token again, as behind any federation router.
        ctx.extra.identity = caller ? { authorization: caller.authorization } : {};
        return true;
      } catch (error) {
        if (error instanceof GraphQLError) return false; // a refused token: closed with 4403 Forbidden
        throw error;
      }
    },
    onSubscribe(ctx, _id, payload) {
      const prepared = guard.prepare(payload, Object.keys(ctx.subscriptions).length);
      if (!('document' in prepared)) return [...prepared];
      return { schema, document: prepared.document, variableValues: payload.variables, operationName: payload.operationName, contextValue: ctx.extra.identity };
    },
    subscribe: (args) => results.subscribe({ document: args.document, operationName: args.operationName, variables: args.variableValues, identity: args.contextValue as Identity }),
    execute: () => ({ errors: [new GraphQLError('only subscriptions are served over WebSocket', { extensions: { code: ErrorCode.BAD_USER_INPUT } })] }),
    onError(_ctx, _id, _payload, errors) {
      deps.log.debug({ errors: errors.map((e) => e.message) }, 'subscription refused');
      return guard.formatErrors(errors);
    },
  });
  const transport = serveWebSockets({
    httpServer: deps.httpServer,
    server,
    extra: (socket) => ({ socket, identity: {} }),
    log: deps.log,
    maxBufferedBytes: deps.maxBufferedBytes,
    verifyClient: guard.verifyClient,
    refuseMessage: guard.refuseMessage,
  });

  return {
    sockets: transport.sockets,
    slowClosed: transport.slowClosed,
    /** Client subscriptions by root field. */
    subscriptions: results.open,
    /** Upstream subscriptions and sockets to the subgraphs. */
    upstream: upstream.size,
    async stop() {
      await transport.stop();
      await upstream.stop();
    },
  };
}
