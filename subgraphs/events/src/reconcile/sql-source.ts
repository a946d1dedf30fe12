import type { SeatStatus } from '@booking/contracts';
import type { Sql } from '@booking/service-kit';
import type { TruthSource } from './reconcile.ts';

/** PostgreSQL (a pg pool or PGlite) as the reconciler's truth. */
export function createSqlTruthSource(pool: Sql): TruthSource {
  return {
    async events() {
      const { rows } = await pool.query<{ id: string; name: string; venue: string; starts_at: Date; on_sale: boolean; per_user_limit: number; version: number }>(
        'SELECT id, name, venue, starts_at, on_sale, per_user_limit, version FROM events ORDER BY id',
      );
      return rows.map((r) => ({ _id: r.id, name: r.name, venue: r.venue, startsAt: r.starts_at, onSale: r.on_sale, perUserLimit: r.per_user_limit, version: r.version }));
    },
    async seats(eventId) {
      const { rows } = await pool.query<{
        seat_id: string;
        section: string;
        row: string;
        position: number;
        status: SeatStatus;
        version: number;
        booking_id: string | null;
        user_id: string | null;
      }>(
        `SELECT seat_id, section, row, position, status::text AS status, version, booking_id::text AS booking_id, user_id
         FROM seats WHERE event_id = $1 ORDER BY position`,
        [eventId],
      );
      return rows.map((r) => ({
        eventId,
        seatId: r.seat_id,
        section: r.section,
        row: r.row,
        order: r.position,
        status: r.status,
        version: r.version,
        bookingId: r.booking_id,
        userId: r.user_id,
      }));
    },
  };
}
