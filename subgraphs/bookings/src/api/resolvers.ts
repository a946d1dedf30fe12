import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import {
  buildLayout,
  checkEventDetails,
  holdSeconds,
  isProblem,
  newEventId,
  type BookingRequestPublisher,
  type HoldBounds,
  type InputProblem,
} from '@booking/booking-core';
import { ErrorCode, type BookingCommandMessage, type BookingStatus, type BookingStatusMessage } from '@booking/contracts';
import type { Hub } from '@booking/service-kit';
import type { Resolvers } from '../generated/resolvers-types.ts';
import type { Context } from '../context.ts';
import type { BookingModel } from './model.ts';
import type { SeatCatalog } from './catalog.ts';
import type { EventAdmin } from './event-admin.ts';
import { newestFirst, type PendingStore } from './pending.ts';
import { followBookings } from './updates.ts';
import type { Intake } from './intake.ts';

export interface BookingReader {
  byId(id: string): Promise<BookingModel | null>;
  /** A user's bookings, newest first, strictly after the cursor position. */
  ofUser(userId: string, first: number, after: { createdAt: Date; id: string } | null): Promise<BookingModel[]>;
  /** Which of these bookings have rows (are decided). */
  withRows(ids: string[]): Promise<Set<string>>;
}

export interface BookingResolverDeps {
  catalog: SeatCatalog;
  publisher: BookingRequestPublisher;
  pending: PendingStore;
  bookings: BookingReader;
  events: EventAdmin;
  holds: HoldBounds;
  /** `booking-status` changes by booking id. */
  updates: Hub<BookingStatusMessage>;
  now?: () => Date;
  /** How long confirm, extend and cancel wait for the decision before answering with the booking as it stands. */
  decisionWaitMs?: number;
}

const fail = (problem: InputProblem) =>
  new GraphQLError(problem.message, { extensions: { code: problem.code, ...(problem.field ? { field: problem.field } : {}) } });
const badInput = (field: string, message: string) => fail({ code: ErrorCode.BAD_USER_INPUT, field, message });
const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });

function requireUser(ctx: Context): string {
  if (!ctx.userId) {
    throw new GraphQLError('a token is required: send "Authorization: Bearer <JWT>"', { extensions: { code: ErrorCode.UNAUTHENTICATED } });
  }
  return ctx.userId;
}

const isAdmin = (ctx: Context) => ctx.roles.includes('admin');

function requireAdmin(ctx: Context): void {
  requireUser(ctx);
  if (!isAdmin(ctx)) throw forbidden('this needs the admin role');
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** Largest `myBookings` page. */
const MAX_PAGE = 100;

const encodeCursor = (b: BookingModel) => Buffer.from(`${b.createdAt.toISOString()}|${b.id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) throw badInput('after', 'after must be a cursor from an earlier page');
  return { createdAt, id };
}

/**
 * Parsing never throws: a subgraph's coercion error reaches clients through
 * the gateway as an internal error, so a malformed instant becomes an invalid
 * Date that the input checks refuse with BAD_USER_INPUT.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant as an ISO 8601 string with a UTC offset.',
  serialize: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
  parseValue: (value) => parseInstant(value),
  parseLiteral: (ast) => parseInstant(ast.kind === Kind.STRING ? ast.value : null),
});

// An offset is required: a local time would mean a different instant on every server.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const parseInstant = (value: unknown) => new Date(typeof value === 'string' && INSTANT.test(value) ? value : Number.NaN);

/** What a command waits for before answering. */
const settled: Record<BookingCommandMessage['command'], (b: BookingModel, before: BookingModel) => boolean> = {
  CONFIRM: (b) => b.status !== 'PENDING' && b.status !== 'HELD',
  CANCEL: (b) => b.status !== 'PENDING' && b.status !== 'HELD' && b.status !== 'CONFIRMED',
  EXTEND: (b, before) => b.version > Math.max(before.version, 1) || (b.status !== 'PENDING' && b.status !== 'HELD'),
};

export function createResolvers(deps: BookingResolverDeps, intake: Intake): Resolvers {
  const { catalog, publisher, bookings, events, holds, updates, now = () => new Date(), decisionWaitMs = 5000 } = deps;
  const { find } = intake;
  const follow = followBookings(updates, find);

  /** The caller's booking (or anyone's, for an admin when `admins` is set). */
  async function own(id: string, ctx: Context, admins: boolean): Promise<BookingModel> {
    const userId = requireUser(ctx);
    const booking = isUuid(id) ? await find(id.toLowerCase()) : null;
    if (!booking) throw fail({ code: ErrorCode.BOOKING_NOT_FOUND, field: 'id', message: `no booking ${id}` });
    if (booking.userId !== userId && !(admins && isAdmin(ctx))) throw forbidden('this booking belongs to another user');
    return booking;
  }

  async function accept(input: { eventId: string; seatIds: readonly string[]; idempotencyKey?: string | null }, ctx: Context, hold: number | null) {
    const result = await intake.request(requireUser(ctx), input, ctx.log, hold);
    if ('problem' in result) throw fail(result.problem);
    return result.booking;
  }

  /** Publishes a command and answers with the booking once it is decided (or as it stands after the wait). */
  async function command(booking: BookingModel, ctx: Context, kind: BookingCommandMessage['command'], extra: { holdSeconds?: number } = {}) {
    await publisher.publish({ command: kind, bookingId: booking.id, eventId: booking.eventId, actorId: requireUser(ctx), requestedAt: now().toISOString(), ...extra });
    const deadline = Date.now() + decisionWaitMs;
    let latest = booking;
    for (let pause = 10; Date.now() < deadline; pause = Math.min(pause * 2, 100)) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      latest = (await bookings.byId(booking.id)) ?? latest;
      if (settled[kind](latest, booking)) break;
    }
    return latest;
  }

  /**
   * A page of the user's bookings with the requests not yet decided among
   * them, by request time. Pending ones are looked up first and the rows
   * read after the check of which are decided, so one decided in between is
   * in the rows (and shown once), never missing from both.
   */
  async function page(userId: string, count: number, cursor: { createdAt: Date; id: string } | null, ctx: Context): Promise<BookingModel[]> {
    // The pending records are best effort, as intake writes them: without them the decided bookings still list.
    const waiting = await deps.pending.ofUser(userId, MAX_PAGE).catch((err: unknown) => {
      ctx.log.warn({ err }, 'could not read pending records; listing decided bookings only');
      return [];
    });
    const decided = waiting.length > 0 ? await bookings.withRows(waiting.map((b) => b.id)) : new Set<string>();
    if (decided.size > 0) void deps.pending.forget(userId, [...decided]).catch((err: unknown) => ctx.log.warn({ err }, 'could not forget decided pending records'));
    const rows = await bookings.ofUser(userId, count, cursor);
    const shown = new Set(rows.map((b) => b.id));
    const beyond = (b: BookingModel) =>
      !cursor || b.createdAt.getTime() < cursor.createdAt.getTime() || (b.createdAt.getTime() === cursor.createdAt.getTime() && b.id < cursor.id);
    const undecided = waiting.filter((b) => !decided.has(b.id) && !shown.has(b.id) && beyond(b));
    return undecided.length === 0 ? rows : [...rows, ...undecided].sort(newestFirst).slice(0, count);
  }

  const terminal = (status: BookingStatus) => status === 'REJECTED' || status === 'EXPIRED' || status === 'CANCELLED';

  return {
    DateTime: DateTimeScalar,
    Query: {
      async booking(_parent, { id }, ctx) {
        const userId = requireUser(ctx);
        if (!isUuid(id)) return null;
        const booking = await find(id.toLowerCase());
        if (!booking) return null;
        if (booking.userId !== userId && !isAdmin(ctx)) throw forbidden('this booking belongs to another user');
        return booking;
      },
      async myBookings(_parent, { first, after }, ctx) {
        const userId = requireUser(ctx);
        const count = first ?? 20;
        if (!Number.isInteger(count) || count < 1 || count > MAX_PAGE) throw badInput('first', `first must be 1-${MAX_PAGE}`);
        return page(userId, count, after ? decodeCursor(after) : null, ctx);
      },
    },
    Mutation: {
      requestBooking: (_parent, { input }, ctx) => accept(input, ctx, null),
      async holdSeats(_parent, { input }, ctx) {
        const seconds = holdSeconds(input.ttlSeconds, holds);
        if (typeof seconds !== 'number') throw fail(seconds);
        return accept(input, ctx, seconds);
      },
      async confirmBooking(_parent, { id }, ctx) {
        const booking = await own(id, ctx, false);
        if (booking.status !== 'PENDING' && booking.status !== 'HELD') return booking;
        if (booking.status === 'PENDING' && !booking.hold) return booking;
        return command(booking, ctx, 'CONFIRM');
      },
      async extendHold(_parent, { id, ttlSeconds }, ctx) {
        const seconds = holdSeconds(ttlSeconds, holds);
        if (typeof seconds !== 'number') throw fail(seconds);
        const booking = await own(id, ctx, false);
        if (booking.status !== 'PENDING' && booking.status !== 'HELD') return booking;
        if (booking.status === 'PENDING' && !booking.hold) return booking;
        // Ending no later than it already does is no change: nothing to decide.
        if (booking.expiresAt && booking.expiresAt.getTime() >= now().getTime() + seconds * 1000) return booking;
        return command(booking, ctx, 'EXTEND', { holdSeconds: seconds });
      },
      async cancelBooking(_parent, { id }, ctx) {
        const booking = await own(id, ctx, true);
        if (terminal(booking.status)) return booking;
        return command(booking, ctx, 'CANCEL');
      },
      async createEvent(_parent, { input }, ctx) {
        requireAdmin(ctx);
        const problem = checkEventDetails(input);
        if (problem) throw fail(problem);
        const layout = buildLayout(input.sections ?? [], input.seats ?? []);
        if (isProblem(layout)) throw fail(layout);
        const id = newEventId();
        await events.create({ id, name: input.name.trim(), venue: input.venue.trim(), startsAt: input.startsAt, perUserLimit: input.perUserLimit, seats: layout.seats });
        catalog.forget(id);
        ctx.log.info({ eventId: id, seats: layout.seats.length, by: ctx.userId }, 'event created');
        return { __typename: 'Event' as const, id };
      },
      async updateEvent(_parent, { id, input }, ctx) {
        requireAdmin(ctx);
        const problem = checkEventDetails(input);
        if (problem) throw fail(problem);
        if (!(await events.update(id, { ...input, name: input.name?.trim(), venue: input.venue?.trim() }))) {
          throw fail({ code: ErrorCode.EVENT_NOT_FOUND, field: 'id', message: `event ${id} does not exist` });
        }
        catalog.forget(id);
        ctx.log.info({ eventId: id, changes: input, by: ctx.userId }, 'event updated');
        return { __typename: 'Event' as const, id };
      },
    },
    Subscription: {
      bookingUpdated: {
        subscribe: (_parent, { id }, ctx) => follow(id, requireUser(ctx)),
        resolve: (booking: BookingModel) => booking,
      },
    },
    Booking: {
      async __resolveReference(ref, ctx) {
        const booking = await find(ref.id);
        if (!booking || (booking.userId !== ctx.userId && !isAdmin(ctx))) return null;
        return booking;
      },
      event: (booking) => ({ __typename: 'Event' as const, id: booking.eventId }),
      createdAt: (booking) => booking.createdAt.toISOString(),
      cursor: (booking) => encodeCursor(booking),
    },
  };
}
