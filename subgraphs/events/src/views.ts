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
  /** The seats' version sum at this revision. */
  version: number;
  seats: Promise<SeatDoc[]>;
  seatMap?: Promise<SeatMap>;
  rest?: Promise<Buffer>;
}

/**
 * Read responses built once per change of an event and shared by every
 * request until the next change: the seats in venue order, the compact seat
 * map, and the REST bodies as ready UTF-8 bytes (encoding arena10k's
 * 600 KB body took about 1 ms of every answer when sent as a string). Keyed
 * by the store's revision, so a change applied to the store is served by the
 * next request; requests that arrive while a revision is being built share
 * that build.
 */
export function createReadViews(store: MemoryReadStore) {
  const rendered = new Map<string, Rendered>();
  let list: { revision: number; json: Promise<Buffer> } | null = null;

  /** The view of the event's current revision (the newest: revisions only grow). */
  function current(eventId: string): Rendered {
    const revision = store.revision(eventId);
    let view = rendered.get(eventId);
    if (view?.revision !== revision) rendered.set(eventId, (view = { revision, version: store.version(eventId), seats: store.seats(eventId) }));
    return view;
  }

  return {
    /** Seats in venue order (shared: do not mutate), optionally with one status. */
    async seats(eventId: string, status?: SeatStatus): Promise<SeatDoc[]> {
      const seats = await current(eventId).seats;
      return status ? seats.filter((s) => s.status === status) : seats;
    },
    async seatMap(eventId: string, section?: string | null): Promise<SeatMap> {
      const view = current(eventId);
      const map = await (view.seatMap ??= view.seats.then((seats) => buildSeatMap(seats, view.version)));
      return section == null ? map : { version: map.version, sections: map.sections.filter((s) => s.name === section) };
    },
    /** `GET /api/events` as JSON (UTF-8). */
    restEvents(): Promise<Buffer> {
      const revision = store.listRevision();
      if (list?.revision !== revision) list = { revision, json: store.listEvents().then((events) => Buffer.from(JSON.stringify(events.map(restEvent)))) };
      return list.json;
    },
    /** `GET /api/events/:id` as JSON (UTF-8); null for an unknown event. */
    async restEvent(eventId: string): Promise<Buffer | null> {
      if (!(await store.getEvents([eventId])).has(eventId)) return null;
      const view = current(eventId);
      view.rest ??= Promise.all([store.getEvents([eventId]), view.seats]).then(([events, seats]) => {
        const head = JSON.stringify(restEvent(events.get(eventId)!));
        return Buffer.from(`${head.slice(0, -1)},"seats":[${seats.map(restSeat).join(',')}]}`);
      });
      return view.rest;
    },
  };
}
export type ReadViews = ReturnType<typeof createReadViews>;
