import {
  decideBatch,
  expireHolds,
  isCommand,
  isRequest,
  seatKey,
  userKey,
  type BookingLedger,
  type BookingState,
  type Decision,
  type SeatState,
  type WorkItem,
} from '@booking/booking-core';
import type { BookingStatusMessage, SeatStatus, SeatStatusMessage, Topics } from '@booking/contracts';
import { templateText, type Sql, type TransactionalSql } from '@booking/service-kit';

/** Raised when a conditional write touched fewer rows than decided; the batch is retried. */
export class SeatConflictError extends Error {
  override name = 'SeatConflictError';
}

type SeatRow = { event_id: string; seat_id: string; section: string; row: string; position: number; status: SeatStatus; version: number; booking_id: string | null };
type BookingRow = { id: string; event_id: string; user_id: string; seat_ids: string[]; status: BookingState['status']; expires_at: Date | null };

/** Statements written as templates: each `${value}` becomes a parameter. */
const select =
  <T>(tx: Sql) =>
  async (strings: TemplateStringsArray, ...params: unknown[]): Promise<T[]> =>
    (await tx.query<T>(templateText(strings), params)).rows;
/** Runs a write; the number of rows it touched. */
const change =
  (tx: Sql) =>
  async (strings: TemplateStringsArray, ...params: unknown[]): Promise<number> =>
    (await tx.query(templateText(strings), params)).count;

/**
 * One field of every row, as an array parameter. Rows joined to a table come
 * as `unnest` of such arrays: the planner counts an array parameter's
 * elements, so a few seats are found through the primary key, where
 * `jsonb_to_recordset` (always estimated at 100 rows) made it scan and hash
 * every seat of every event on each write.
 */
const column = <T, K extends keyof T>(rows: readonly T[], key: K): T[K][] => rows.map((r) => r[key]);

/**
 * Decides and records in one transaction: booking rows (new ones and
 * changes of existing ones), seat changes (each conditional on the version
 * read), the booking_seats constraint rows and the outbox rows.
 */
export function createSqlLedger(db: TransactionalSql, topics: Pick<Topics, 'seatStatus' | 'bookingStatus'>, now = () => new Date()): BookingLedger {
  /** Seats by (event, seat), locked in one order so concurrent transactions cannot deadlock. */
  async function lockSeats(tx: Sql, pairs: Iterable<[string, string]>): Promise<SeatRow[]> {
    const unique = new Map<string, [string, string]>();
    for (const [e, s] of pairs) unique.set(seatKey(e, s), [e, s]);
    if (unique.size === 0) return [];
    const list = [...unique.values()];
    return select<SeatRow>(tx)`
      SELECT s.event_id, s.seat_id, s.section, s.row, s.position, s.status::text AS status, s.version, s.booking_id::text AS booking_id
      FROM seats s
      JOIN unnest(${list.map((p) => p[0])}::text[], ${list.map((p) => p[1])}::text[]) AS x(event_id, seat_id)
        ON s.event_id = x.event_id AND s.seat_id = x.seat_id
      ORDER BY s.event_id, s.seat_id
      FOR UPDATE OF s`;
  }

  const seatStates = (rows: SeatRow[]) =>
    new Map<string, SeatState>(rows.map((r) => [seatKey(r.event_id, r.seat_id), { status: r.status, version: Number(r.version), bookingId: r.booking_id }]));
  const bookingState = (r: BookingRow): BookingState => ({ id: r.id, eventId: r.event_id, userId: r.user_id, seatIds: r.seat_ids, status: r.status, expiresAt: r.expires_at });

  /** Writes what was decided; `seats` are the locked rows the decisions were made from. */
  async function record(tx: Sql, decisions: Decision[], seats: SeatRow[], decidedAt: Date) {
    if (decisions.length === 0) return;
    const at = decidedAt.toISOString();
    // A booking created and changed in one batch is inserted with its last state.
    const last = new Map<string, Decision>();
    const steps = new Map<string, number>();
    const firstOf = new Map<string, Decision>();
    for (const d of decisions) {
      last.set(d.bookingId, d);
      steps.set(d.bookingId, (steps.get(d.bookingId) ?? 0) + 1);
      if (d.created) firstOf.set(d.bookingId, d);
    }
    const row = (d: Decision) => ({
      id: d.bookingId,
      status: d.status,
      reason: d.reason,
      expires_at: d.expiresAt?.toISOString() ?? null,
      steps: steps.get(d.bookingId)!,
    });
    if (firstOf.size > 0) {
      const rows = [...firstOf.values()].map((d) => ({ ...row(last.get(d.bookingId)!), event_id: d.eventId, user_id: d.userId, seat_ids: d.seatIds, created_at: d.requestedAt }));
      await change(tx)`
        INSERT INTO bookings (id, event_id, user_id, seat_ids, status, reason, created_at, decided_at, expires_at, version)
        SELECT r.id, r.event_id, r.user_id, ARRAY(SELECT jsonb_array_elements_text(r.seat_ids)), r.status::"BookingStatus", r.reason, r.created_at,
               ${at}::timestamptz, r.expires_at, r.steps
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          AS r(id uuid, event_id text, user_id text, seat_ids jsonb, status text, reason text, created_at timestamptz, expires_at timestamptz, steps int)`;
    }
    const changed = [...last.values()].filter((d) => !firstOf.has(d.bookingId)).map(row);
    if (changed.length > 0) {
      await change(tx)`
        UPDATE bookings b
        SET status = r.status::"BookingStatus", reason = r.reason, expires_at = r.expires_at::timestamptz, decided_at = ${at}::timestamptz, version = b.version + r.steps
        FROM unnest(${column(changed, 'id')}::uuid[], ${column(changed, 'status')}::text[], ${column(changed, 'reason')}::text[],
                    ${column(changed, 'expires_at')}::text[], ${column(changed, 'steps')}::int[]) AS r(id, status, reason, expires_at, steps)
        WHERE b.id = r.id`;
    }

    // Seats: each written once with its final state, only if nobody changed it since it was read.
    const before = new Map(seats.map((s) => [seatKey(s.event_id, s.seat_id), s]));
    const after = new Map<string, { event_id: string; seat_id: string; status: SeatStatus; version: number; booking_id: string | null; user_id: string | null }>();
    for (const d of decisions) {
      for (const s of d.seats) {
        after.set(seatKey(d.eventId, s.seatId), { event_id: d.eventId, seat_id: s.seatId, status: s.status, version: s.version, booking_id: s.bookingId, user_id: s.userId });
      }
    }
    if (after.size > 0) {
      const writes = [...after.entries()].map(([key, s]) => ({ ...s, from_version: before.get(key)!.version }));
      const written = await change(tx)`
        UPDATE seats s
        SET status = r.status::"SeatStatus", booking_id = r.booking_id, user_id = r.user_id, version = r.version
        FROM unnest(${column(writes, 'event_id')}::text[], ${column(writes, 'seat_id')}::text[], ${column(writes, 'status')}::text[], ${column(writes, 'version')}::int[],
                    ${column(writes, 'booking_id')}::uuid[], ${column(writes, 'user_id')}::text[], ${column(writes, 'from_version')}::int[])
          AS r(event_id, seat_id, status, version, booking_id, user_id, from_version)
        WHERE s.event_id = r.event_id AND s.seat_id = r.seat_id AND s.version = r.from_version`;
      if (written !== writes.length) throw new SeatConflictError(`expected to change ${writes.length} seats, changed ${written}`);

      // booking_seats holds each seat's live booking: the database's own "one seat, one live booking".
      const owners = [...after.entries()].map(([key, s]) => ({ event_id: s.event_id, seat_id: s.seat_id, from: before.get(key)!.booking_id, to: s.booking_id }));
      const freed = owners.filter((o) => o.from !== null && o.from !== o.to);
      const taken = owners.filter((o) => o.to !== null && o.from !== o.to);
      if (freed.length > 0) {
        const deleted = await change(tx)`
          DELETE FROM booking_seats b
          USING unnest(${column(freed, 'event_id')}::text[], ${column(freed, 'seat_id')}::text[], ${column(freed, 'from')}::uuid[]) AS r(event_id, seat_id, "from")
          WHERE b.event_id = r.event_id AND b.seat_id = r.seat_id AND b.booking_id = r."from"`;
        if (deleted !== freed.length) throw new SeatConflictError(`expected to free ${freed.length} seats, freed ${deleted}`);
      }
      if (taken.length > 0) {
        await change(tx)`
          INSERT INTO booking_seats (event_id, seat_id, booking_id)
          SELECT r.event_id, r.seat_id, r."to" FROM jsonb_to_recordset(${JSON.stringify(taken)}::jsonb) AS r(event_id text, seat_id text, "to" uuid)`;
      }
    }

    const outbox = decisions.flatMap((d) => [
      ...d.seats.map((s) => {
        const place = before.get(seatKey(d.eventId, s.seatId))!;
        return {
          topic: topics.seatStatus,
          key: d.eventId,
          payload: {
            eventId: d.eventId,
            seatId: s.seatId,
            section: place.section,
            row: place.row,
            position: place.position,
            status: s.status,
            version: s.version,
            bookingId: s.bookingId,
            userId: s.userId,
            changedAt: at,
          } satisfies SeatStatusMessage,
        };
      }),
      {
        topic: topics.bookingStatus,
        key: d.bookingId,
        payload: {
          bookingId: d.bookingId,
          eventId: d.eventId,
          userId: d.userId,
          seatIds: [...d.seatIds],
          status: d.status,
          reason: d.reason,
          decidedAt: at,
          expiresAt: d.expiresAt?.toISOString() ?? null,
        } satisfies BookingStatusMessage,
      },
    ]);
    await change(tx)`
      INSERT INTO outbox (topic, key, payload)
      SELECT e.value->>'topic', e.value->>'key', e.value->'payload'
      FROM jsonb_array_elements(${JSON.stringify(outbox)}::jsonb) WITH ORDINALITY AS e(value, n)
      ORDER BY e.n`;
    await change(tx)`SELECT pg_notify('outbox', '')`;
  }

  return {
    async commit(items: readonly WorkItem[]): Promise<Decision[]> {
      if (items.length === 0) return [];
      return db.transaction(async (tx) => {
        const decidedAt = now();
        const requests = items.filter(isRequest);
        const targets = [...new Set(items.filter(isCommand).map((c) => c.bookingId))].sort();
        const eventIds = [...new Set(items.map((i) => i.eventId))].sort();

        // Locking the events serializes the per-user limit of each event across workers.
        const eventRows = await select<{ id: string; on_sale: boolean; per_user_limit: number }>(tx)`
          SELECT id, on_sale, per_user_limit FROM events WHERE id = ANY(${eventIds}::text[]) ORDER BY id FOR NO KEY UPDATE`;
        const bookingRows =
          targets.length === 0
            ? []
            : await select<BookingRow>(tx)`
                SELECT id::text AS id, event_id, user_id, seat_ids, status::text AS status, expires_at
                FROM bookings WHERE id = ANY(${targets}::uuid[]) ORDER BY id FOR UPDATE`;
        const ids = requests.map((r) => r.requestId);
        const decidedRows = ids.length === 0 ? [] : await select<{ id: string }>(tx)`SELECT id::text AS id FROM bookings WHERE id = ANY(${ids}::uuid[])`;
        const seatRows = await lockSeats(tx, [
          ...requests.flatMap((r) => r.seatIds.map((s): [string, string] => [r.eventId, s])),
          ...bookingRows.flatMap((b) => b.seat_ids.map((s): [string, string] => [b.event_id, s])),
        ]);
        const users = [...new Set(requests.map((r) => userKey(r.eventId, r.userId)))].map((k) => k.split('\u0000') as [string, string]);
        const countRows =
          users.length === 0
            ? []
            : await select<{ event_id: string; user_id: string; seats: number }>(tx)`
                SELECT b.event_id, b.user_id, sum(cardinality(b.seat_ids))::int AS seats
                FROM bookings b
                JOIN unnest(${users.map((u) => u[0])}::text[], ${users.map((u) => u[1])}::text[]) AS x(event_id, user_id)
                  ON b.event_id = x.event_id AND b.user_id = x.user_id
                WHERE b.status IN ('HELD', 'CONFIRMED')
                GROUP BY b.event_id, b.user_id`;

        const decisions = decideBatch(items, {
          events: new Map(eventRows.map((r) => [r.id, { onSale: r.on_sale, perUserLimit: r.per_user_limit }])),
          seats: seatStates(seatRows),
          decided: new Set(decidedRows.map((r) => r.id)),
          bookings: new Map(bookingRows.map((r) => [r.id, bookingState(r)])),
          userSeats: new Map(countRows.map((r) => [userKey(r.event_id, r.user_id), r.seats])),
          now: decidedAt,
        });
        await record(tx, decisions, seatRows, decidedAt);
        return decisions;
      });
    },

    async expire(limit: number): Promise<Decision[]> {
      return db.transaction(async (tx) => {
        const decidedAt = now();
        // SKIP LOCKED: a hold a command is deciding right now is left to that command.
        const holds = await select<BookingRow>(tx)`
          SELECT id::text AS id, event_id, user_id, seat_ids, status::text AS status, expires_at
          FROM bookings WHERE status = 'HELD' AND expires_at <= ${decidedAt.toISOString()}::timestamptz
          ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
        if (holds.length === 0) return [];
        const seatRows = await lockSeats(
          tx,
          holds.flatMap((b) => b.seat_ids.map((s): [string, string] => [b.event_id, s])),
        );
        const decisions = expireHolds(holds.map(bookingState), { seats: seatStates(seatRows), now: decidedAt });
        await record(tx, decisions, seatRows, decidedAt);
        return decisions;
      });
    },
  };
}
