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
    async withRows(ids) {
      const rows = await db.booking.findMany({ where: { id: { in: ids } }, select: { id: true } });
      return new Set(rows.map((r) => r.id));
    },
  };
}

export function createDbSeatSource(db: Db): SeatCatalogSource {
  return {
    async seatsOf(eventId) {
      // One flat query: Prisma's nested select took 0.9 s for 10,000 seats.
      const rows = await db.$queryRaw<{ on_sale: boolean; seat_id: string | null }[]>`
        SELECT e.on_sale, s.seat_id FROM events e LEFT JOIN seats s ON s.event_id = e.id WHERE e.id = ${eventId}`;
      if (rows.length === 0) return null;
      return { onSale: rows[0]!.on_sale, seatIds: rows.flatMap((r) => (r.seat_id === null ? [] : [r.seat_id])) };
    },
    async eventIds() {
      return (await db.event.findMany({ select: { id: true } })).map((e) => e.id);
    },
  };
}
