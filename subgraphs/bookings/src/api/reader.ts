import type { Db } from '../db.ts';
import type { SeatCatalogSource } from './catalog.ts';
import type { BookingReader } from './resolvers.ts';

export function createBookingReader(db: Db): BookingReader {
  return {
    async byId(id) {
      const row = await db.booking.findUnique({ where: { id } });
      return row && { id: row.id, status: row.status, reason: row.reason, eventId: row.eventId, userId: row.userId, seatIds: row.seatIds, createdAt: row.createdAt };
    },
  };
}

export function createDbSeatSource(db: Db): SeatCatalogSource {
  return {
    async seatsOf(eventId) {
      const event = await db.event.findUnique({ where: { id: eventId }, select: { seats: { select: { id: true } } } });
      return event ? event.seats.map((s) => s.id) : null;
    },
  };
}
