import { decideBatch, seatKey, type BookingLedger, type Decision, type SeatState } from '@booking/booking-core';
import type { BookingRequestMessage, BookingStatusMessage, SeatStatus, SeatStatusMessage, Topics } from '@booking/contracts';
import type { Db } from '../db.ts';

/** Raised when the conditional seat update touched fewer rows than decided; the batch is retried. */
export class SeatConflictError extends Error {
  override name = 'SeatConflictError';
}

/**
 * Decides and records a batch in one transaction: booking rows, seat flips
 * (only from AVAILABLE), the booking_seats constraint rows and outbox rows.
 */
export function createPrismaLedger(db: Db, topics: Pick<Topics, 'seatStatus' | 'bookingStatus'>, now = () => new Date()): BookingLedger {
  return {
    async commit(requests: readonly BookingRequestMessage[]): Promise<Decision[]> {
      if (requests.length === 0) return [];
      return db.$transaction(
        async (tx) => {
          const ids = requests.map((r) => r.requestId);
          const eventIds = [...new Set(requests.map((r) => r.eventId))];
          const pairs = new Map<string, [string, string]>();
          for (const r of requests) for (const s of r.seatIds) pairs.set(seatKey(r.eventId, s), [r.eventId, s]);
          const seatEvents = [...pairs.values()].map((p) => p[0]);
          const seatIds = [...pairs.values()].map((p) => p[1]);

          const decidedRows = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM bookings WHERE id = ANY(${ids}::uuid[])`;
          const eventRows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM events WHERE id = ANY(${eventIds}::text[])`;
          const seatRows = await tx.$queryRaw<
            { event_id: string; seat_id: string; section: string; row: string; position: number; status: SeatStatus; version: number }[]
          >`
            SELECT s.event_id, s.seat_id, s.section, s.row, s.position, s.status::text AS status, s.version
            FROM seats s
            JOIN unnest(${seatEvents}::text[], ${seatIds}::text[]) AS x(event_id, seat_id)
              ON s.event_id = x.event_id AND s.seat_id = x.seat_id
            ORDER BY s.event_id, s.seat_id
            FOR UPDATE OF s`;

          const seats = new Map<string, SeatState>(seatRows.map((r) => [seatKey(r.event_id, r.seat_id), { status: r.status, version: Number(r.version) }]));
          const places = new Map(seatRows.map((r) => [seatKey(r.event_id, r.seat_id), { section: r.section, row: r.row, position: r.position }]));
          const decisions = decideBatch(requests, {
            events: new Set(eventRows.map((r) => r.id)),
            seats,
            decided: new Set(decidedRows.map((r) => r.id)),
          });
          if (decisions.length === 0) return decisions;

          const decidedAt = now().toISOString();
          const bookings = decisions.map((d) => ({
            id: d.request.requestId,
            event_id: d.request.eventId,
            user_id: d.request.userId,
            seat_ids: d.request.seatIds,
            status: d.status,
            reason: d.reason,
            created_at: d.request.requestedAt,
          }));
          await tx.$executeRaw`
            INSERT INTO bookings (id, event_id, user_id, seat_ids, status, reason, created_at, decided_at)
            SELECT r.id, r.event_id, r.user_id, ARRAY(SELECT jsonb_array_elements_text(r.seat_ids)), r.status::"BookingStatus", r.reason, r.created_at, ${decidedAt}::timestamptz
            FROM jsonb_to_recordset(${JSON.stringify(bookings)}::jsonb)
              AS r(id uuid, event_id text, user_id text, seat_ids jsonb, status text, reason text, created_at timestamptz)`;

          const flips = decisions.flatMap((d) =>
            d.seats.map((s) => ({ event_id: d.request.eventId, seat_id: s.seatId, booking_id: d.request.requestId, user_id: d.request.userId })),
          );
          if (flips.length > 0) {
            const flipsJson = JSON.stringify(flips);
            await tx.$executeRaw`
              INSERT INTO booking_seats (event_id, seat_id, booking_id)
              SELECT r.event_id, r.seat_id, r.booking_id
              FROM jsonb_to_recordset(${flipsJson}::jsonb) AS r(event_id text, seat_id text, booking_id uuid)`;
            const flipped = await tx.$executeRaw`
              UPDATE seats s
              SET status = 'BOOKED', booking_id = r.booking_id, user_id = r.user_id, version = s.version + 1
              FROM jsonb_to_recordset(${flipsJson}::jsonb) AS r(event_id text, seat_id text, booking_id uuid, user_id text)
              WHERE s.event_id = r.event_id AND s.seat_id = r.seat_id AND s.status = 'AVAILABLE'`;
            if (flipped !== flips.length) throw new SeatConflictError(`expected to book ${flips.length} seats, booked ${flipped}`);
          }

          const outbox = decisions.flatMap((d) => [
            ...d.seats.map((s) => ({
              topic: topics.seatStatus,
              key: d.request.eventId,
              payload: {
                eventId: d.request.eventId,
                seatId: s.seatId,
                ...places.get(seatKey(d.request.eventId, s.seatId))!,
                status: 'BOOKED',
                version: s.version,
                bookingId: d.request.requestId,
                userId: d.request.userId,
                changedAt: decidedAt,
              } satisfies SeatStatusMessage,
            })),
            {
              topic: topics.bookingStatus,
              key: d.request.requestId,
              payload: {
                bookingId: d.request.requestId,
                eventId: d.request.eventId,
                userId: d.request.userId,
                seatIds: d.request.seatIds,
                status: d.status,
                reason: d.reason,
                decidedAt,
              } satisfies BookingStatusMessage,
            },
          ]);
          await tx.$executeRaw`
            INSERT INTO outbox (topic, key, payload)
            SELECT e.value->>'topic', e.value->>'key', e.value->'payload'
            FROM jsonb_array_elements(${JSON.stringify(outbox)}::jsonb) WITH ORDINALITY AS e(value, n)
            ORDER BY e.n`;
          await tx.$executeRaw`SELECT pg_notify('outbox', '')`;
          return decisions;
        },
        { timeout: 30_000, maxWait: 10_000 },
      );
    },
  };
}
