import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { GiveUp, authorization, waitFor, type Stack, type TestCaller } from '@booking/testkit';
import { outcome, requestBooking } from './helpers.ts';

/** graphql-ws clients of one test file; dispose them in afterAll. */
export function wsClients() {
  const clients: Client[] = [];
  return {
    /** A client of `caller` (a development token in connection_init), anonymous without one. */
    connect(httpUrl: string, caller?: TestCaller): Client {
      const client = createClient({
        url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: async () => {
          const auth = await authorization(caller);
          return auth ? { authorization: auth } : {};
        },
        retryAttempts: 0,
        lazy: false,
      });
      clients.push(client);
      return client;
    },
    /** Disposes a client made elsewhere along with the others. */
    track(client: Client): Client {
      clients.push(client);
      return client;
    },
    dispose: () => Promise.all(clients.splice(0).map((c) => c.dispose())),
  };
}

export interface Received<T> {
  values: T[];
  /** Date.now() at the arrival of each of `values`. */
  times: number[];
  errors: unknown[];
  done: Promise<void>;
}

/** Subscribes and collects what arrives. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}): Received<T> {
  const values: T[] = [];
  const times: number[] = [];
  const errors: unknown[] = [];
  const done = new Promise<void>((resolve) => {
    client.subscribe<T>(
      { query, variables },
      {
        next: (r) => {
          if (r.errors) errors.push(...r.errors);
          else {
            values.push(r.data as T);
            times.push(Date.now());
          }
        },
        error: (e) => {
          errors.push(e);
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { values, times, errors, done };
}

/**
 * A subscription is in place once the server has checked the event and
 * registered it, which the protocol does not acknowledge: book probe seats
 * until one of their changes arrives, then forget the probes.
 */
export async function subscribed(target: Pick<Stack, 'graphqlUrl'>, received: Received<unknown>[], eventId: string, probeSeats: string[]) {
  let next = 0;
  await waitFor(
    async () => {
      if (received.some((r) => r.errors.length > 0)) throw new GiveUp(`subscription failed: ${JSON.stringify(received.map((r) => r.errors))}`);
      if (received.every((r) => r.values.length > 0)) return true;
      const seat = probeSeats[next++];
      if (!seat) throw new GiveUp('ran out of probe seats');
      const r = await requestBooking(target, 'probe', eventId, [seat]);
      await outcome(target, 'probe', r.data!.requestBooking.id);
      await new Promise((resolve) => setTimeout(resolve, 300)); // delivery of that probe's change
      return received.every((r) => r.values.length > 0);
    },
    { timeoutMs: 30_000, intervalMs: 0, what: 'the subscriptions to deliver a probe change' },
  );
  for (const r of received) r.values.length = r.times.length = 0;
}

export const probes = (row: number) => Array.from({ length: 20 }, (_, i) => `D_R${row}_S${i + 1}`);
