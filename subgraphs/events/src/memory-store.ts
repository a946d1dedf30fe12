import type { SeatStatus } from '@booking/contracts';
import { seatAfter, type Availability, type EventDoc, type ReadStore, type SeatDoc } from './read-model.ts';

interface Venue {
  seats: Map<string, SeatDoc>;
  /** Seats in venue order; rebuilt only when a seat is added. */
  ordered: SeatDoc[] | null;
  counts: Record<SeatStatus, number>;
  /** Sum of the seat versions. */
  version: number;
  /** Grows with every change of this event (a seat or the event itself). */
  revision: number;
}

/** The in-process store, with what response caches need to know when to rebuild. */
export interface MemoryReadStore extends ReadStore {
  /**
   * Grows with every change of the event's seats or details in this store;
   * a value local to this process, for caches keyed by it.
   */
  revision(eventId: string): number;
  /** Grows with every change of any event's details (the event list). */
  listRevision(): number;
  /**
   * Sum of the event's seat versions: grows with every seat change and is
   * the same in every store holding the same seats.
   */
  version(eventId: string): number;
}

const sameSeat = (a: SeatDoc, b: SeatDoc) =>
  a.status === b.status && a.version === b.version && a.bookingId === b.bookingId && a.userId === b.userId && a.order === b.order;

const sameEvent = (a: EventDoc, b: EventDoc) =>
  a.version === b.version && a.name === b.name && a.venue === b.venue && a.startsAt.getTime() === b.startsAt.getTime() && a.onSale === b.onSale && a.perUserLimit === b.perUserLimit;

/**
 * The read model inside the process (embedded mode), with the MongoDB
 * store's rules: changes apply only over older versions, repairs never move
 * a seat to an older version, and both report how many seats changed.
 */
export function createMemoryReadStore(): MemoryReadStore {
  const events = new Map<string, EventDoc>();
  const venues = new Map<string, Venue>();
  let listRevision = 0;

  const venueOf = (eventId: string) => {
    let v = venues.get(eventId);
    if (!v) venues.set(eventId, (v = { seats: new Map(), ordered: null, counts: { AVAILABLE: 0, HELD: 0, BOOKED: 0 }, version: 0, revision: 0 }));
    return v;
  };

  function put(seat: SeatDoc, accept: (stored: SeatDoc | undefined) => boolean): boolean {
    const venue = venueOf(seat.eventId);
    const stored = venue.seats.get(seat.seatId);
    if (!accept(stored) || (stored && sameSeat(stored, seat))) return false;
    venue.counts[seat.status]++;
    venue.version += seat.version - (stored?.version ?? 0);
    venue.revision++;
    if (stored) {
      venue.counts[stored.status]--;
      if (stored.order !== seat.order) venue.ordered = null;
      Object.assign(stored, seat); // the ordered list holds the same object
    } else {
      venue.seats.set(seat.seatId, { ...seat });
      venue.ordered = null;
    }
    return true;
  }

  const ordered = (venue: Venue) => (venue.ordered ??= [...venue.seats.values()].sort((a, b) => a.order - b.order));

  return {
    revision: (eventId) => venues.get(eventId)?.revision ?? 0,
    listRevision: () => listRevision,
    version: (eventId) => venues.get(eventId)?.version ?? 0,
    listEvents: async () => [...events.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a._id.localeCompare(b._id)),
    getEvents: async (ids) => new Map(ids.flatMap((id) => (events.has(id) ? [[id, events.get(id)!] as const] : []))),
    async seats(eventId, status) {
      const venue = venues.get(eventId);
      if (!venue) return [];
      return ordered(venue)
        .filter((s) => !status || s.status === status)
        .map((s) => ({ ...s }));
    },
    async availability(eventId): Promise<Availability> {
      const { AVAILABLE: available, HELD: held, BOOKED: booked } = venues.get(eventId)?.counts ?? { AVAILABLE: 0, HELD: 0, BOOKED: 0 };
      return { total: available + held + booked, available, held, booked };
    },
    async applySeatChanges(changes) {
      let changed = 0;
      for (const c of changes) {
        const seat = seatAfter(c);
        if (put(seat, (stored) => !stored || stored.version < seat.version)) changed++;
      }
      return changed;
    },
    async upsertEvents(docs) {
      let changed = 0;
      for (const d of docs) {
        const stored = events.get(d._id);
        if (stored && (stored.version > d.version || sameEvent(stored, d))) continue;
        events.set(d._id, { ...d });
        venueOf(d._id).revision++;
        listRevision++;
        changed++;
      }
      return changed;
    },
    async repairSeats(truth) {
      let changed = 0;
      for (const seat of truth) if (put(seat, (stored) => !stored || stored.version <= seat.version)) changed++;
      return changed;
    },
    ping: async () => true,
  };
}
