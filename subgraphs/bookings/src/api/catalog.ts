import { ErrorCode } from '@booking/contracts';
import type { InputProblem } from '@booking/booking-core';

export interface SeatCatalogSource {
  /** Seat ids of an event, or null when the event does not exist. */
  seatsOf(eventId: string): Promise<string[] | null>;
}

/**
 * Answers "does this event have these seats" from memory. Venues change rarely,
 * and the worker checks again inside its transaction, so a short-lived cache is
 * safe and keeps the database off the intake path.
 */
export function createSeatCatalog(source: SeatCatalogSource, ttlMs = 30_000, now = () => Date.now()) {
  const cache = new Map<string, { at: number; seats: Promise<Set<string> | null> }>();
  const load = (eventId: string) => {
    const hit = cache.get(eventId);
    if (hit && now() - hit.at < ttlMs) return hit.seats;
    const seats = source.seatsOf(eventId).then((ids) => (ids ? new Set(ids) : null));
    cache.set(eventId, { at: now(), seats });
    seats.catch(() => cache.delete(eventId));
    return seats;
  };
  return {
    async check(eventId: string, seatIds: readonly string[]): Promise<InputProblem | null> {
      const seats = await load(eventId);
      if (!seats) return { code: ErrorCode.EVENT_NOT_FOUND, field: 'eventId', message: `event ${eventId} does not exist` };
      const unknown = seatIds.filter((s) => !seats.has(s));
      if (unknown.length > 0) {
        return { code: ErrorCode.UNKNOWN_SEAT, field: 'seatIds', message: `event ${eventId} has no seat ${unknown.join(', ')}` };
      }
      return null;
    },
  };
}
export type SeatCatalog = ReturnType<typeof createSeatCatalog>;
