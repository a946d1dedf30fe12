import { buildSchema, parse, specifiedRules, validate, type GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { limitRules, parseLimited, parseListSizes, type OperationLimits } from './limits.ts';

const schema = buildSchema(/* GraphQL */ `
  type Query { event(id: ID!): Event, events: [Event!]! }
  type Event { id: ID!, name: String!, seats(status: String): [Seat!]!, related: [Event!]! }
  type Seat { id: ID!, status: String!, event: Event! }
  type Mutation { requestBooking(eventId: ID!): Seat }
  type Subscription { seatStatusChanged(eventId: ID!): Seat! }
`);

const limits: OperationLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2000,
  maxFields: 200,
  maxCost: 200_000,
  listSizes: { 'Event.seats': 50_000 },
  defaultListSize: 100,
  introspection: true,
};

const check = (query: string, l: Partial<OperationLimits> = {}) => validate(schema, parse(query), [...specifiedRules, ...limitRules({ ...limits, ...l })]);
const refusedBy = (errors: readonly GraphQLError[]) => errors.map((e) => [e.extensions.code, e.extensions.limit]);

describe('document limits', () => {
  it('accepts the seat map of one event', () => {
    expect(check('{ event(id: "arena10k") { name seats { id status } } }')).toEqual([]);
  });

  it('refuses many aliases of a large list by estimated cost, not by field count', () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `e${i}: event(id: "arena10k") { seats { id } }`).join(' ');
    expect(refusedBy(check(`{ ${aliases} }`, { maxAliases: 100 }))).toEqual([['QUERY_TOO_COMPLEX', 'cost']]);
    expect(refusedBy(check(`{ ${aliases} }`))).toContainEqual(['QUERY_TOO_COMPLEX', 'aliases']);
  });

  it('multiplies nested lists', () => {
    expect(refusedBy(check('{ events { related { related { seats { id } } } } }'))).toEqual([['QUERY_TOO_COMPLEX', 'cost']]);
  });

  it('refuses doubling fragment spreads in linear time', () => {
    // 2^30 expansions: walked one by one this would take minutes; measured
    // fragment by fragment it is milliseconds (the bound is for a busy machine).
    const levels = 30;
    const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on Event { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const query = `{ event(id: "x") { ...F0 } } ${frags} fragment F${levels} on Event { id name }`;
    const started = performance.now();
    const errors = check(query);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(refusedBy(errors)).toContainEqual(['QUERY_TOO_COMPLEX', 'fields']);
  });

  it('counts inline fragments as depth', () => {
    const n = 2000;
    const query = `{ ${'... on Query { '.repeat(n)}events { id }${' }'.repeat(n)} }`;
    expect(refusedBy(check(query))).toContainEqual(['QUERY_TOO_COMPLEX', 'depth']);
  });

  it('holds every operation of a document to the limits, whichever is named', () => {
    const wide = Array.from({ length: 30 }, (_, i) => `a${i}: events { id }`).join(' ');
    expect(refusedBy(check(`query Small { events { id } } query Wide { ${wide} }`))).toEqual([['QUERY_TOO_COMPLEX', 'aliases']]);
  });

  it('refuses introspection when it is off', () => {
    expect(check('{ __schema { types { name } } }', { introspection: false })[0]?.message).toMatch(/introspection has been disabled/);
    expect(check('{ __schema { types { name } } }')).toEqual([]);
  });

  it('stops parsing past the token limit', () => {
    expect(() => parseLimited(`{ ${'events { id } '.repeat(200)} }`, { maxTokens: 100 })).toThrow(/100 tokens/);
    expect(parseLimited('{ events { id } }', { maxTokens: 100 }).kind).toBe('Document');
  });
});

describe('parseListSizes', () => {
  it('reads Type.field=size pairs', () => {
    expect(parseListSizes('Event.seats=50000, Query.events=10')).toEqual({ 'Event.seats': 50000, 'Query.events': 10 });
    expect(() => parseListSizes('seats=5')).toThrow(/Type.field=size/);
  });
});
