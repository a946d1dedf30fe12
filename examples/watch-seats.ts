/**
 * Loads an event's seat map, subscribes to its changes and keeps the map
 * current, dropping changes older than what it already has.
 *
 *   npx tsx examples/watch-seats.ts concert123 [http://localhost:4000]
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [eventId = 'concert123', base = 'http://localhost:4000'] = process.argv.slice(2);

type Seat = { id: string; status: string; version: number };
const seats = new Map<string, Seat>();

// 1. Subscribe first, buffering, so nothing committed while the map loads is missed.
const buffered: Seat[] = [];
let loaded = false;
const apply = (change: Seat) => {
  const known = seats.get(change.id);
  if (known && known.version >= change.version) return; // already have this or newer
  seats.set(change.id, change);
  console.log(`${change.id} -> ${change.status} (version ${change.version})`);
};

const client = createClient({ url: `${base.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket });
client.subscribe<{ seatStatusChanged: { seatId: string; status: string; version: number } }>(
  { query: 'subscription($id: ID!) { seatStatusChanged(eventId: $id) { seatId status version } }', variables: { id: eventId } },
  {
    next: ({ data }) => {
      if (!data) return;
      const { seatId, status, version } = data.seatStatusChanged;
      const change = { id: seatId, status, version };
      if (loaded) apply(change);
      else buffered.push(change);
    },
    error: (error) => console.error('subscription error', error),
    complete: () => console.log('subscription ended'),
  },
);

// 2. Load the map; each seat carries its version.
const res = await fetch(`${base}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: 'query($id: ID!) { event(id: $id) { name seats { id status version } } }', variables: { id: eventId } }),
});
const { data } = (await res.json()) as { data: { event: { name: string; seats: Seat[] } | null } };
if (!data.event) throw new Error(`no event ${eventId}`);
for (const seat of data.event.seats) seats.set(seat.id, seat);
console.log(`${data.event.name}: ${seats.size} seats loaded; watching for changes (Ctrl-C to stop)`);

// 3. Replay what arrived meanwhile; older versions are dropped by apply().
loaded = true;
buffered.splice(0).forEach(apply);
