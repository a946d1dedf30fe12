import { EVENT_LIMITS, type EventChangedMessage, type SeatStatusMessage, type Topics } from '@booking/contracts';
import type { LayoutSeat } from '@booking/booking-core';
import type { Db } from '../db.ts';

export interface NewEvent {
  id: string;
  name: string;
  venue: string;
  startsAt: Date;
  perUserLimit?: number | null;
  seats: readonly LayoutSeat[];
}

export interface EventChanges {
  name?: string | null;
  venue?: string | null;
  startsAt?: Date | null;
  onSale?: boolean | null;
  perUserLimit?: number | null;
}

/** Writes events; each change reaches the read model through the outbox. */
export interface EventAdmin {
  create(event: NewEvent): Promise<void>;
  /** Returns false when there is no such event. */
  update(id: string, changes: EventChanges): Promise<boolean>;
}

/** Rows per INSERT: a 50,000-seat venue is written in a few statements, each of bounded size. */
const CHUNK = 10_000;

type EventRow = { id: string; name: string; venue: string; starts_at: Date; on_sale: boolean; per_user_limit: number; version: number };

const changedMessage = (r: EventRow, changedAt: string): EventChangedMessage => ({
  eventId: r.id,
  name: r.name,
  venue: r.venue,
  startsAt: r.starts_at.toISOString(),
  onSale: r.on_sale,
  perUserLimit: r.per_user_limit,
  version: r.version,
  changedAt,
});

export function createPrismaEventAdmin(db: Db, topics: Pick<Topics, 'seatStatus' | 'eventChanges'>, now = () => new Date()): EventAdmin {
  return {
    async create(event) {
      const changedAt = now().toISOString();
      await db.$transaction(
        async (tx) => {
          const [row] = await tx.$queryRaw<EventRow[]>`
            INSERT INTO events (id, name, venue, starts_at, per_user_limit)
            VALUES (${event.id}, ${event.name}, ${event.venue}, ${event.startsAt.toISOString()}::timestamptz, ${event.perUserLimit ?? EVENT_LIMITS.defaultPerUserLimit})
            RETURNING id, name, venue, starts_at, on_sale, per_user_limit, version`;
          await tx.$executeRaw`INSERT INTO outbox (topic, key, payload) VALUES (${topics.eventChanges}, ${event.id}, ${JSON.stringify(changedMessage(row!, changedAt))}::jsonb)`;
          for (let from = 0; from < event.seats.length; from += CHUNK) {
            const chunk = event.seats.slice(from, from + CHUNK).map((s, i) => ({ ...s, position: from + i }));
            const json = JSON.stringify(chunk);
            await tx.$executeRaw`
              INSERT INTO seats (event_id, seat_id, section, row, position)
              SELECT ${event.id}, s.id, s.section, s.row, s.position FROM jsonb_to_recordset(${json}::jsonb) AS s(id text, section text, row text, position int)`;
            const changes = chunk.map(
              (s): SeatStatusMessage => ({
                eventId: event.id,
                seatId: s.id,
                section: s.section,
                row: s.row,
                position: s.position,
                status: 'AVAILABLE',
                version: 1,
                bookingId: null,
                userId: null,
                changedAt,
              }),
            );
            await tx.$executeRaw`
              INSERT INTO outbox (topic, key, payload)
              SELECT ${topics.seatStatus}, ${event.id}, e.value FROM jsonb_array_elements(${JSON.stringify(changes)}::jsonb) WITH ORDINALITY AS e(value, n) ORDER BY e.n`;
          }
          await tx.$executeRaw`SELECT pg_notify('outbox', '')`;
        },
        { timeout: 120_000, maxWait: 10_000 },
      );
    },

    async update(id, changes) {
      return db.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<EventRow[]>`
          UPDATE events SET
            name = coalesce(${changes.name ?? null}::text, name),
            venue = coalesce(${changes.venue ?? null}::text, venue),
            starts_at = coalesce(${changes.startsAt?.toISOString() ?? null}::timestamptz, starts_at),
            on_sale = coalesce(${changes.onSale ?? null}::boolean, on_sale),
            per_user_limit = coalesce(${changes.perUserLimit ?? null}::int, per_user_limit),
            version = version + 1
          WHERE id = ${id}
          RETURNING id, name, venue, starts_at, on_sale, per_user_limit, version`;
        if (!row) return false;
        await tx.$executeRaw`INSERT INTO outbox (topic, key, payload) VALUES (${topics.eventChanges}, ${id}, ${JSON.stringify(changedMessage(row, now().toISOString()))}::jsonb)`;
        await tx.$executeRaw`SELECT pg_notify('outbox', '')`;
        return true;
      });
    },
  };
}
