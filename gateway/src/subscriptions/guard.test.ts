import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { GraphQLError, buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSocketGuard } from './guard.ts';

const schema = buildSchema(/* GraphQL */ `
  type Query { event(id: ID!): Event }
  type Event { id: ID! }
  type Subscription { seatStatusChanged(eventId: ID!): Event! }
`);

const refused: string[] = [];
const guard = createSocketGuard(schema, {
  limits: { maxDepth: 5, maxAliases: 5, maxDirectives: 5, maxTokens: 500, maxFields: 50, maxCost: 1000, listSizes: {}, defaultListSize: 10, introspection: true },
  clientAddress: (req) => req.socket.remoteAddress ?? '',
  maxSocketsPerClient: 2,
  maxSubscriptionsPerSocket: 3,
  onRefused: (reason) => refused.push(reason),
});
const codes = (r: ReturnType<typeof guard.prepare>) => ('document' in r ? 'ok' : r.map((e) => e.extensions.code));

describe('socket guard', () => {
  it('closes with 4400 a client that sends messages only a server may send', () => {
    expect(guard.refuseMessage('{"type":"next","id":"1","payload":{}}')?.[0]).toBe(4400);
    expect(guard.refuseMessage('{"type":"connection_ack"}')?.[0]).toBe(4400);
    expect(guard.refuseMessage('{"type":"subscribe","id":"1","payload":{"query":"{x}"}}')).toBeNull();
  });

  it('runs only subscriptions, whichever operation is named', () => {
    const query = 'subscription S { seatStatusChanged(eventId: "e") { id } } query Q { event(id: "e") { id } }';
    expect(codes(guard.prepare({ query, operationName: 'Q' }, 1))).toEqual(['OPERATION_NOT_SUPPORTED']);
    expect(codes(guard.prepare({ query, operationName: 'S' }, 1))).toBe('ok');
    expect(codes(guard.prepare({ query }, 1))).toEqual(['OPERATION_RESOLUTION_FAILURE']);
  });

  it('applies the limits to a document it has cached under another operation name', () => {
    const deep = 'subscription A { seatStatusChanged(eventId: "e") { id } } subscription B { seatStatusChanged(eventId: "e") { a: id b: id c: id d: id e: id f: id } }';
    expect(codes(guard.prepare({ query: deep, operationName: 'A' }, 1))).toEqual(['QUERY_TOO_COMPLEX']);
    expect(codes(guard.prepare({ query: deep, operationName: 'A' }, 1))).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('caps subscriptions per socket', () => {
    const query = 'subscription { seatStatusChanged(eventId: "e") { id } }';
    expect(codes(guard.prepare({ query }, 3))).toBe('ok');
    expect(codes(guard.prepare({ query }, 4))).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
  });

  it('caps sockets per client address until one closes', () => {
    const sockets: EventEmitter[] = [];
    const req = () => {
      const socket = Object.assign(new EventEmitter(), { remoteAddress: '203.0.113.7' });
      sockets.push(socket);
      return { req: { socket, headers: {}, connection: socket } as unknown as IncomingMessage };
    };
    const answers: [boolean, number?][] = [];
    for (let i = 0; i < 3; i++) guard.verifyClient(req(), (ok, status) => answers.push([ok, status]));
    expect(answers).toEqual([[true, undefined], [true, undefined], [false, 429]]);
    sockets[0]!.emit('close');
    guard.verifyClient(req(), (ok) => expect(ok).toBe(true));
  });

  it('hides messages of errors without a client-facing code', () => {
    const overflow = new RangeError('Maximum call stack size exceeded');
    const [hidden] = guard.formatErrors([new GraphQLError(overflow.message, { originalError: overflow })]);
    expect(hidden).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
