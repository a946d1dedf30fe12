import type { Db } from '../db.ts';
import type { SeatCatalogSource } from './catalog.ts';
import type { BookingModel } from './model.ts';
import type { BookingReader } from './resolvers.ts';

type Row = Awaited<ReturnType<Db['booking']['findUnique']>> & object;
const model = (row: Row): BookingModel => ({
  id: row.id,
  status: row.status,
  reason: row.reason,
  eventId: row.eventId,
  userId: row.userId,
  seatIds: row.seatIds,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  version: row.version,
});

export function createBookingReader(db: Db): BookingReader {
  return {
    async byId(id) {
      const row = await db.booking.findUnique({ where: { id } });
      return row && model(row);
    },
    async ofUser(userId, first, after) {
      const rows = await db.booking.findMany({
        where: {
          userId,
          ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: first,
      });
      return rows.map(model);
    },
  };
}

export function createDbSeatSource(db: Db): SeatCatalogSource {
  return {
    async seatsOf(eventId) {
      const event = await db.event.findUnique({ where: { id: eventId }, select: { onSale: true, seats: { select: { id: true } } } });
      return event ? { onSale: event.onSale, seatIds: event.seats.map((s) => s.id) } : null;
    },
  };
}
