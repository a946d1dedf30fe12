import { ErrorCode } from '@booking/contracts';
import type { InputProblem } from '@booking/booking-core';

export interface SeatCatalogSource {
  /** Seat ids of an event and whether it is on sale, or null when the event does not exist. */
  seatsOf(eventId: string): Promise<{ onSale: boolean; seatIds: string[] } | null>;
}

/**
 * Answers "does this event have these seats, on sale" from memory. Venues
 * change rarely, and the worker checks again inside its transaction, so a
 * short-lived cache is safe and keeps the database off the intake path.
 */
export function createSeatCatalog(source: SeatCatalogSource, ttlMs = 30_000, now = () => Date.now()) {
  const cache = new Map<string, { at: number; seats: Promise<{ onSale: boolean; seatIds: Set<string> } | null> }>();
  const load = (eventId: string) => {
    const hit = cache.get(eventId);
    if (hit && now() - hit.at < ttlMs) return hit.seats;
    const seats = source.seatsOf(eventId).then((event) => event && { onSale: event.onSale, seatIds: new Set(event.seatIds) });
    cache.set(eventId, { at: now(), seats });
    seats.catch(() => cache.delete(eventId));
    return seats;
  };
  return {
    async check(eventId: string, seatIds: readonly string[]): Promise<InputProblem | null> {
      const event = await load(eventId);
      if (!event) return { code: ErrorCode.EVENT_NOT_FOUND, field: 'eventId', message: `event ${eventId} does not exist` };
      if (!event.onSale) return { code: ErrorCode.EVENT_OFF_SALE, field: 'eventId', message: `event ${eventId} is not on sale` };
      const unknown = seatIds.filter((s) => !event.seatIds.has(s));
      if (unknown.length > 0) {
        return { code: ErrorCode.UNKNOWN_SEAT, field: 'seatIds', message: `event ${eventId} has no seat ${unknown.join(', ')}` };
      }
      return null;
    },
    /** Drops what is known of an event, after this process changed it. */
    forget(eventId: string) {
      cache.delete(eventId);
    },
  };
}
export type SeatCatalog = ReturnType<typeof createSeatCatalog>;
