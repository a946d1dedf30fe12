import type { Server } from 'node:http';
import {
  GraphQLError,
  buildASTSchema,
  createSourceEventStream,
  execute as graphqlExecute,
  parse,
  print,
  printSchema,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import { ErrorCode, type BookingStatusMessage, type SeatStatusMessage } from '@booking/contracts';
import type { Logger } from '@booking/service-kit';
import type { Caller } from '../context.ts';
import type { Execute } from '../rest.ts';
import type { SocketGuard } from './guard.ts';
import type { Hub } from './hub.ts';

/** Close code for a client that stopped reading (application range; graphql-ws uses 44xx/45xx). */
export const SLOW_CLIENT_CLOSE_CODE = 4008;
/** Ping interval; a socket that has not answered the previous ping by the next one is dropped. Well inside NGINX's idle timeout. */
const KEEP_ALIVE_MS = 10_000;

interface WsContext {
  caller: Caller | null;
}

interface SocketExtra {
  socket: WebSocket;
  caller: Caller | null;
}

const FETCHED = Symbol('fetched through the gateway');

/** Marks every object of a gateway response, whose keys are response names (aliases). */
function markFetched<T>(value: T): T {
  if (Array.isArray(value)) value.forEach(markFetched);
  else if (value && typeof value === 'object') {
    Object.defineProperty(value, FETCHED, { value: true });
    Object.values(value).forEach(markFetched);
  }
  return value;
}

/**
 * Payload fields come from the Kafka message by field name; everything
 * fetched through the gateway is keyed by response name, aliases included.
 */
const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _ctx, info) => {
  const object = source as Record<string | symbol, unknown> | null;
  return object?.[FETCHED] ? object[info.path.key] : object?.[info.fieldName];
};

/**
 * Turns the selection under a subscription payload field into a query
 * through the gateway (`event(id)`, `booking(id)`), keeping the fragments and
 * variables it uses, so those fields are resolved by federation.
 */
function subQuery(root: string, info: GraphQLResolveInfo): { query: string; variables: Record<string, unknown> } {
  const selection = info.fieldNodes[0]!.selectionSet as SelectionSetNode;
  const fragments = new Map<string, FragmentDefinitionNode>();
  const variables = new Set<string>();
  const collect = (node: SelectionSetNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const frag = info.fragments[spread.name.value];
        if (frag && !fragments.has(frag.name.value)) {
          fragments.set(frag.name.value, frag);
          collect(frag.selectionSet);
        }
      },
      Variable(v) {
        variables.add(v.name.value);
      },
    });
  collect(selection);
  const defs = (info.operation.variableDefinitions ?? []).filter((d) => variables.has(d.variable.name.value));
  const varDecl = ['$__id: ID!', ...defs.map((d) => print(d))].join(', ');
  const query = `query(${varDecl}) { ${root}(id: $__id) ${print(selection)} } ${[...fragments.values()].map((f) => print(f)).join(' ')}`;
  const vars = Object.fromEntries(defs.map((d) => [d.variable.name.value, info.variableValues[d.variable.name.value]]));
  return { query, variables: vars };
}

/** Maps an iterator's values, passing return() through so the source can let go. */
function mapIterator<T, U>(source: AsyncIterator<T>, map: (value: T) => U | Promise<U>): AsyncIterableIterator<U> {
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      const r = await source.next();
      return r.done ? { value: undefined, done: true } : { value: await map(r.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
  };
}

export interface SubscriptionServerDeps {
  httpServer: Server;
  apiSchema: GraphQLSchema;
  execute: Execute;
  /** The caller named by connection_init's `authorization`; throws a GraphQLError for a refused token. */
  identify: (authorization: unknown) => Promise<Caller | null>;
  seats: Hub<SeatStatusMessage>;
  bookings: Hub<BookingStatusMessage>;
  log: Logger;
  /** Socket caps, protocol checks and document limits (./guard.ts, made with this server's schema). */
  guard: (schema: GraphQLSchema) => SocketGuard;
  /** Bytes queued on a socket the client is not reading before it is closed with 4008. */
  maxBufferedBytes: number;
}

/** graphql-ws on the gateway's HTTP server at /graphql. */
export function createSubscriptionServer(deps: SubscriptionServerDeps) {
  const { execute, log } = deps;
  let slowClosed = 0;
  const schema = buildASTSchema(parse(printSchema(deps.apiSchema)));
  const guard = deps.guard(schema);

  const fetchOne = async (root: 'event' | 'booking', id: string, info: GraphQLResolveInfo, caller: Caller | null) => {
    const { query, variables } = subQuery(root, info);
    const result = await execute(query, { ...variables, __id: id }, caller);
    if (result.errors?.length) {
      const [first] = result.errors;
      throw new GraphQLError(first!.message, { extensions: first!.extensions });
    }
    return markFetched(result.data?.[root] ?? null);
  };

  // Subscribers of one event mostly ask the same thing about the same change:
  // fetch it once per (change, document, identity) while it is being delivered.
  const shared = new Map<string, Promise<unknown>>();
  const fetchShared = (changeKey: string, root: 'event' | 'booking', id: string, info: GraphQLResolveInfo, caller: Caller | null) => {
    const { query, variables } = subQuery(root, info);
    const key = `${changeKey}\u0000${caller?.userId ?? ''}\u0000${query}\u0000${JSON.stringify(variables)}`;
    let pending = shared.get(key);
    if (!pending) {
      pending = fetchOne(root, id, info, caller);
      shared.set(key, pending);
      setTimeout(() => shared.delete(key), 5_000).unref();
    }
    return pending;
  };

  const subscription = schema.getSubscriptionType()!.getFields();
  const seatField = subscription.seatStatusChanged!;
  // When an event goes on sale thousands of clients subscribe to it at once;
  // they share one check, and an event found stays found for a few seconds
  // (events are never deleted).
  const knownEvents = new Map<string, Promise<boolean>>();
  const eventExists = (eventId: string) => {
    let pending = knownEvents.get(eventId);
    if (!pending) {
      pending = execute('query($id: ID!) { event(id: $id) { id } }', { id: eventId }, null).then((r) => !!r.data?.event);
      knownEvents.set(eventId, pending);
      const forget = () => knownEvents.delete(eventId);
      pending.then((found) => (found ? setTimeout(forget, 10_000).unref() : forget()), forget);
    }
    return pending;
  };
  seatField.subscribe = async (_root, { eventId }: { eventId: string }) => {
    if (!(await eventExists(eventId))) throw new GraphQLError(`event ${eventId} does not exist`, { extensions: { code: ErrorCode.EVENT_NOT_FOUND } });
    return deps.seats.subscribe(eventId);
  };
  seatField.resolve = (change: SeatStatusMessage) => change;
  (schema.getType('SeatStatusChange') as GraphQLObjectType).getFields().event!.resolve = (change: SeatStatusMessage, _a, ctx: WsContext, info) =>
    fetchShared(`${change.eventId}:${change.seatId}:${change.version}`, 'event', change.eventId, info, ctx.caller);

  const bookingField = subscription.bookingUpdated!;
  bookingField.subscribe = async (_root, { id }: { id: string }, ctx: WsContext) => {
    if (!ctx.caller) throw new GraphQLError('a token is required: send {"authorization": "Bearer <JWT>"} in connection_init', { extensions: { code: ErrorCode.UNAUTHENTICATED } });
    // Subscribe first, then check ownership, so an outcome decided in between is not missed.
    const iterator = deps.bookings.subscribe(id);
    const own = await execute('query($id: ID!) { booking(id: $id) { id } }', { id }, ctx.caller);
    const error = own.errors?.[0];
    if (error || !own.data?.booking) {
      await iterator.return?.();
      if (error) throw new GraphQLError(error.message, { extensions: error.extensions });
      throw new GraphQLError(`no booking ${id}`, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
    }
    return iterator;
  };
  bookingField.resolve = (update: BookingStatusMessage, _a, ctx: WsContext, info) => fetchOne('booking', update.bookingId, info, ctx.caller);

  // Subscribers of one event mostly send the same document: it is parsed and
  // validated once (by the guard), and its result for a change is computed
  // once per (document, variables, identity) and shared, leaving each
  // subscriber only the serialisation and the socket write.
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  const subscribeShared = async (args: ExecutionArgs) => {
    const stream = await createSourceEventStream({ ...args, fieldResolver });
    if (!(Symbol.asyncIterator in stream)) return stream;
    if (!documentIds.has(args.document)) documentIds.set(args.document, ++nextDocumentId);
    const key = [documentIds.get(args.document), args.operationName ?? '', JSON.stringify(args.variableValues ?? {}), (args.contextValue as WsContext).caller?.userId ?? ''].join('\u0000');
    return mapIterator(stream[Symbol.asyncIterator](), (change) => {
      const perChange = results.get(change as object) ?? new Map<string, Promise<ExecutionResult>>();
      results.set(change as object, perChange);
      let result = perChange.get(key);
      if (!result) {
        result = Promise.resolve(graphqlExecute({ ...args, rootValue: change, fieldResolver }));
        perChange.set(key, result);
      }
      return result;
    });
  };

  const server = makeServer<Record<string, unknown> | undefined, SocketExtra>({
    schema,
    subscribe: subscribeShared,
    execute: (args) => graphqlExecute({ ...args, fieldResolver }),
    context: (ctx): WsContext => ({ caller: ctx.extra.caller }),
    async onConnect(ctx) {
      const params = ctx.connectionParams ?? {};
      try {
        ctx.extra.caller = await deps.identify(params.authorization ?? params.Authorization);
        return true;
      } catch (error) {
        if (error instanceof GraphQLError) return false; // a refused token: closed with 4403 Forbidden
        throw error;
      }
    },
    onSubscribe(ctx, _id, payload) {
      const prepared = guard.prepare(payload, Object.keys(ctx.subscriptions).length);
      if (!('document' in prepared)) return [...prepared];
      return { schema, variableValues: payload.variables, operationName: payload.operationName, document: prepared.document };
    },
    onError(_ctx, _id, _payload, errors) {
      log.debug({ errors: errors.map((e) => e.message) }, 'subscription refused');
      return guard.formatErrors(errors);
    },
  });

  // graphql-ws's own ws binding (graphql-ws/use/ws) resolves a send only once
  // the kernel has taken the bytes, and a subscription does not produce its
  // next message before that: a stalled client would park its subscriptions
  // with almost nothing queued, never reaching the byte limit. Here a send is
  // queued at once, ws's bufferedAmount grows while the client is not reading,
  // and crossing the limit closes the socket. Memory held for a stalled client
  // is bounded by the limit plus one message.
  const serve = (socket: WebSocket) => {
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
    const closed = server.opened(
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
            const refused = guard.refuseMessage(String(data));
            if (refused) return socket.close(...refused);
            handle(String(data)).catch((err: unknown) => {
              log.error({ err }, 'graphql-ws message handling failed');
              socket.close(CloseCode.InternalServerError, 'internal server error');
            });
          }),
      },
      { socket, caller: null },
    );
    socket.once('close', (code, reason) => {
      clearInterval(ping);
      void closed(code, String(reason));
    });
  };
  const wss = new WebSocketServer({ server: deps.httpServer, path: '/graphql', maxPayload: 64 * 1024, handleProtocols, verifyClient: guard.verifyClient });
  wss.on('connection', serve);

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
