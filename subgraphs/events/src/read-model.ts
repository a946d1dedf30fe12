import type { SeatStatus, SeatStatusMessage } from '@booking/contracts';

export interface EventDoc {
  _id: string;
  name: string;
  venue: string;
  startsAt: Date;
  onSale: boolean;
  perUserLimit: number;
  /** Grows with every change of the event (not of its seats). */
  version: number;
}

/** One seat as the subgraph serves it. */
export interface SeatDoc {
  eventId: string;
  seatId: string;
  section: string;
  row: string;
  /** Position in the venue's seat order. */
  order: number;
  status: SeatStatus;
  version: number;
  bookingId: string | null;
  userId: string | null;
}

/** The seat a change leaves behind. */
export const seatAfter = (c: SeatStatusMessage): SeatDoc => ({
  eventId: c.eventId,
  seatId: c.seatId,
  section: c.section,
  row: c.row,
  order: c.position,
  status: c.status,
  version: c.version,
  bookingId: c.bookingId,
  userId: c.userId,
});

export interface Availability {
  total: number;
  available: number;
  held: number;
  booked: number;
}

/** The events subgraph's view of the world; implemented over MongoDB. */
export interface ReadStore {
  listEvents(): Promise<EventDoc[]>;
  getEvents(ids: readonly string[]): Promise<Map<string, EventDoc>>;
  seats(eventId: string, status?: SeatStatus): Promise<SeatDoc[]>;
  availability(eventId: string): Promise<Availability>;
  /** Applies changes newer than the stored seat versions; returns how many seats changed. */
  applySeatChanges(changes: readonly SeatStatusMessage[]): Promise<number>;
  /** Writes events that differ from the given ones, never moving an event to an older version; returns how many changed. */
  upsertEvents(events: readonly EventDoc[]): Promise<number>;
  /** Writes seats that differ from the given truth, never moving a seat to an older version; returns how many changed. */
  repairSeats(seats: readonly SeatDoc[]): Promise<number>;
  ping(): Promise<boolean>;
}
