/**
 * A live seat map kept by Apollo Client 3's normalised cache alone: the map
 * is read from the cache, and every `seatStatusChanged` carries the changed
 * `Seat`, which the cache merges into the seat the map shows.
 *
 *   npx tsx examples/apollo-seat-map.ts concert123 [http://localhost:4000]
 */
import { ApolloClient, HttpLink, InMemoryCache, gql, split } from '@apollo/client/core/index.js';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions/index.js';
import { getMainDefinition } from '@apollo/client/utilities/index.js';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [eventId = 'concert123', base = 'http://localhost:4000'] = process.argv.slice(2);

/** A seat's `id` is unique only within its event: key seats by both. */
export const typePolicies = { Seat: { keyFields: ['eventId', 'id'] } };

type Seat = { eventId: string; id: string; status: string; version: number };
const SEAT_MAP = gql`
  query SeatMap($eventId: ID!) {
    event(id: $eventId) { id name seats { eventId id status version } }
  }
`;
const SEAT_CHANGES = gql`
  subscription SeatChanges($eventId: ID!) {
    seatStatusChanged(eventId: $eventId) { seat { eventId id status version } }
  }
`;
const SEAT = gql`
  fragment LiveSeat on Seat { eventId id status version }
`;

const ws = createClient({ url: `${base.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket });
const client = new ApolloClient({
  cache: new InMemoryCache({ typePolicies }),
  link: split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    new HttpLink({ uri: `${base}/graphql`, fetch }),
  ),
});

// 1. Subscribe first, so nothing committed while the map loads is missed.
//    Each change is written to the cache by the link: nothing to do here but
//    remember what arrived before the map, which the map's answer may predate.
const early: Seat[] = [];
let loaded = false;
client.subscribe<{ seatStatusChanged: { seat: Seat } }>({ query: SEAT_CHANGES, variables: { eventId } }).subscribe({
  next: ({ data }) => {
    if (data && !loaded) early.push(data.seatStatusChanged.seat);
  },
  error: (error: unknown) => console.error('subscription error', error),
});

// 2. Load the map, then put back any change newer than what it showed.
const { data } = await client.query<{ event: { name: string; seats: Seat[] } | null }>({ query: SEAT_MAP, variables: { eventId } });
if (!data.event) throw new Error(`no event ${eventId}`);
loaded = true;
for (const seat of early) {
  const cached = client.readFragment<Seat>({ id: client.cache.identify({ __typename: 'Seat', ...seat }), fragment: SEAT });
  if (!cached || cached.version < seat.version) client.writeFragment({ id: client.cache.identify({ __typename: 'Seat', ...seat }), fragment: SEAT, data: { __typename: 'Seat', ...seat } });
}
console.log(`${data.event.name}: ${data.event.seats.length} seats loaded; watching for changes (Ctrl-C to stop)`);

// 3. Render from the cache alone: the seat map query, answered by the cache, changes as seats do.
const shown = new Map(data.event.seats.map((s) => [s.id, s.version]));
client.watchQuery<{ event: { seats: Seat[] } }>({ query: SEAT_MAP, variables: { eventId }, fetchPolicy: 'cache-only' }).subscribe(({ data: current }) => {
  for (const seat of current?.event?.seats ?? []) {
    if ((shown.get(seat.id) ?? 0) >= seat.version) continue;
    shown.set(seat.id, seat.version);
    console.log(`${seat.id} -> ${seat.status} (version ${seat.version})`);
  }
});
