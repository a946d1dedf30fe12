import type { SeatStatus } from '@booking/contracts';
import type { MemoryReadStore } from './memory-store.ts';
import type { EventDoc, SeatDoc } from './read-model.ts';

export interface SeatMapRow {
  name: string;
  seatIds: string[];
  /** One letter per seat: A available, H held, B booked. */
  statuses: string;
  versions: number[];
}
export interface SeatMapSection {
  name: string;
  rows: SeatMapRow[];
}
export interface SeatMap {
  version: number;
  sections: SeatMapSection[];
}

const LETTER: Record<SeatStatus, string> = { AVAILABLE: 'A', HELD: 'H', BOOKED: 'B' };

/** An event as the original REST API listed it, with the names it used (`_id`, `date`) and ours. */
const restEvent = (e: EventDoc) => {
  const startsAt = e.startsAt.toISOString();
  return { _id: e._id, event_id: e._id, name: e.name, venue: e.venue, date: startsAt, starts_at: startsAt };
};

/** Who booked a seat is not public over REST (the original `user_id`, now always null). */
const restSeat = (s: SeatDoc) => `{"seat_id":${JSON.stringify(s.seatId)},"status":"${s.status.toLowerCase()}","user_id":null}`;

function buildSeatMap(seats: readonly SeatDoc[], version: number): SeatMap {
  const sections: SeatMapSection[] = [];
  let section: SeatMapSection | undefined;
  let row: SeatMapRow | undefined;
  for (const seat of seats) {
    if (section?.name !== seat.section) {
      sections.push((section = { name: seat.section, rows: [] }));
      row = undefined;
    }
    if (row?.name !== seat.row) {
      section.rows.push((row = { name: seat.row, seatIds: [], statuses: '', versions: [] }));
    }
    row.seatIds.push(seat.seatId);
    row.statuses += LETTER[seat.status];
    row.versions.push(seat.version);
  }
  return { version, sections };
}

interface Rendered {
  revision: number;
  seats: SeatDoc[];
  seatMap?: SeatMap;
  rest?: string;
}

/**
 * Read responses built once per change of an event and shared by every
 * request until the next change: the seats in venue order, the compact seat
 * map, and the REST bodies as ready JSON text. Keyed by the store's
 * revision, so a change applied to the store is served by the next request.
 */
export function createReadViews(store: MemoryReadStore) {
  const rendered = new Map<string, Rendered>();
  let list: { revision: number; json: string } | null = null;

  async function current(eventId: string): Promise<Rendered> {
    const revision = store.revision(eventId);
    const cached = rendered.get(eventId);
    if (cached && cached.revision === revision) return cached;
    const fresh: Rendered = { revision, seats: await store.seats(eventId) };
    // A slower build of an older revision must not replace a newer one.
    if ((rendered.get(eventId)?.revision ?? -1) < revision) rendered.set(eventId, fresh);
    return fresh;
  }

  return {
    /** Seats in venue order (shared: do not mutate), optionally with one status. */
    async seats(eventId: string, status?: SeatStatus): Promise<SeatDoc[]> {
      const { seats } = await current(eventId);
      return status ? seats.filter((s) => s.status === status) : seats;
    },
    async seatMap(eventId: string, section?: string | null): Promise<SeatMap> {
      const view = await current(eventId);
      const map = (view.seatMap ??= buildSeatMap(view.seats, store.version(eventId)));
      return section == null ? map : { version: map.version, sections: map.sections.filter((s) => s.name === section) };
    },
    /** `GET /api/events` as JSON text. */
    async restEvents(): Promise<string> {
      const revision = store.listRevision();
      if (list?.revision !== revision) list = { revision, json: JSON.stringify((await store.listEvents()).map(restEvent)) };
      return list.json;
    },
    /** `GET /api/events/:id` as JSON text; null for an unknown event. */
    async restEvent(eventId: string): Promise<string | null> {
      const event = (await store.getEvents([eventId])).get(eventId);
      if (!event) return null;
      const view = await current(eventId);
      if (view.rest === undefined) {
        const head = JSON.stringify(restEvent(event));
        view.rest = `${head.slice(0, -1)},"seats":[${view.seats.map(restSeat).join(',')}]}`;
      }
      return view.rest;
    },
  };
}
export type ReadViews = ReturnType<typeof createReadViews>;
