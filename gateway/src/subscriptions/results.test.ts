import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../gateway.ts';
import type { SubgraphFetch, UpstreamResult } from './entities.ts';
import { createSubscriptionPlanner } from './planner.ts';
import { createSharedResults } from './results.ts';
import type { Upstream, UpstreamListener } from './upstream.ts';

const planner = createSubscriptionPlanner(readFileSync(SUPERGRAPH_PATH, 'utf8'));

/** An upstream that records what is subscribed and lets the test push events. */
function fakeUpstream() {
  const subscriptions: { service: string; query: string; variables: Record<string, unknown>; listeners: Set<UpstreamListener> }[] = [];
  const upstream: Pick<Upstream, 'subscribe'> = {
    subscribe(service, query, variables, _identity, listener) {
      let entry = subscriptions.find((s) => s.query === query && JSON.stringify(s.variables) === JSON.stringify(variables));
      if (!entry) subscriptions.push((entry = { service, query, variables, listeners: new Set() }));
      entry.listeners.add(listener);
      return () => entry.listeners.delete(listener);
    },
  };
  const push = (i: number, result: UpstreamResult) => subscriptions[i]!.listeners.forEach((l) => l.next(result));
  return { upstream: upstream as Upstream, subscriptions, push };
}

const log = pino({ level: process.env.DEBUG_TEST ? 'debug' : 'silent' });
const SEATS = parse('subscription($e: ID!) { seatStatusChanged(eventId: $e) { seat: seatId status } }');
const BOOKING = parse('subscription($id: ID!) { bookingUpdated(id: $id) { status event { title: name } } }');

describe('shared subscription results', () => {
  it('gives subscribers of the same operation one upstream subscription and one result per event', async () => {
    const { upstream, subscriptions, push } = fakeUpstream();
    const results = createSharedResults({ schema: planner.apiSchema, planner, upstream, fetch: async () => ({}), log });
    const subscribers = Array.from({ length: 100 }, () => results.subscribe({ document: SEATS, variables: { e: 'arena10k' }, identity: {} }) as AsyncIterableIterator<unknown>);
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]!.service).toBe('events');
    expect(subscriptions[0]!.variables).toEqual({ e: 'arena10k' });
    expect(results.open()).toEqual({ seatStatusChanged: 100 });

    push(0, { data: { seatStatusChanged: { seat: 'A1', status: 'BOOKED' } } });
    const received = await Promise.all(subscribers.map((s) => s.next()));
    expect(received[0]).toEqual({ value: { data: { seatStatusChanged: { seat: 'A1', status: 'BOOKED' } } }, done: false });
    expect(new Set(received.map((r) => r.value)).size).toBe(1);

    await Promise.all(subscribers.map((s) => s.return!()));
    expect(results.open()).toEqual({ seatStatusChanged: 0 });
    expect(subscriptions[0]!.listeners.size).toBe(0);
  });

  it('completes fields of another subgraph with an entity fetch, as the subscriber', async () => {
    const { upstream, subscriptions, push } = fakeUpstream();
    const fetched: Parameters<SubgraphFetch>[] = [];
    const fetch: SubgraphFetch = async (...args) => {
      fetched.push(args);
      // The planner keeps the client's alias in the entity fetch: the subgraph answers by response name.
      return { data: { _entities: [{ title: 'Arena Tour' }] } };
    };
    const results = createSharedResults({ schema: planner.apiSchema, planner, upstream, fetch, log });
    const updates = results.subscribe({ document: BOOKING, variables: { id: 'b1' }, identity: { authorization: 'Bearer olga-token' } }) as AsyncIterableIterator<unknown>;
    expect(subscriptions[0]!.service).toBe('bookings');
    expect(subscriptions[0]!.query).not.toMatch(/\bname\b/);

    push(0, { data: { bookingUpdated: { status: 'CONFIRMED', event: { __typename: 'Event', id: 'arena10k' } } } });
    expect((await updates.next()).value).toEqual({ data: { bookingUpdated: { status: 'CONFIRMED', event: { title: 'Arena Tour' } } } });
    expect(fetched).toHaveLength(1);
    const [service, query, variables, headers] = fetched[0]!;
    expect(service).toBe('events');
    expect(query).toContain('_entities');
    expect(query).toContain('title:name');
    expect(variables).toEqual({ representations: [{ __typename: 'Event', id: 'arena10k' }] });
    expect(headers).toEqual({ authorization: 'Bearer olga-token' });
  });

  it('passes a refusal from the subgraph on and ends the subscription', async () => {
    const { upstream, subscriptions } = fakeUpstream();
    const results = createSharedResults({ schema: planner.apiSchema, planner, upstream, fetch: async () => ({}), log });
    const spy = results.subscribe({ document: BOOKING, variables: { id: 'b1' }, identity: { authorization: 'Bearer mallory-token' } }) as AsyncIterableIterator<{ errors: { extensions: unknown }[] }>;
    subscriptions[0]!.listeners.forEach((l) => l.end([{ message: 'this booking belongs to another user', extensions: { code: 'FORBIDDEN' } }]));
    expect((await spy.next()).value.errors[0]!.extensions).toEqual({ code: 'FORBIDDEN' });
    expect((await spy.next()).done).toBe(true);
  });

  it('refuses variables of the wrong type before subscribing upstream', () => {
    const { upstream, subscriptions } = fakeUpstream();
    const results = createSharedResults({ schema: planner.apiSchema, planner, upstream, fetch: async () => ({}), log });
    const refused = results.subscribe({ document: SEATS, variables: { e: { nested: true } }, identity: {} });
    expect(refused).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    expect(subscriptions).toHaveLength(0);
  });
});
