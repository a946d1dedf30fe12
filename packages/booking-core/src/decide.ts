import {
  ErrorCode,
  type BookingCommandMessage,
  type BookingRequestMessage,
  type BookingStatus,
  type RejectionReason,
  type SeatStatus,
} from '@booking/contracts';

export interface SeatState {
  status: SeatStatus;
  version: number;
  /** The live booking (held or confirmed) the seat belongs to. */
  bookingId?: string | null;
}

export interface EventState {
  onSale: boolean;
  /** Seats one user may hold or have booked at once for this event. */
  perUserLimit: number;
}

/** A booking as recorded: the target of a command or of expiry. */
export interface BookingState {
  id: string;
  eventId: string;
  userId: string;
  seatIds: readonly string[];
  status: Exclude<BookingStatus, 'PENDING'>;
  expiresAt: Date | null;
}

/** What the worker receives on `booking-requests`. */
export type WorkItem = BookingRequestMessage | BookingCommandMessage;
export const isCommand = (item: WorkItem): item is BookingCommandMessage => 'command' in item;
export const isRequest = (item: WorkItem): item is BookingRequestMessage => !isCommand(item);

export interface SeatChange {
  seatId: string;
  status: SeatStatus;
  version: number;
  bookingId: string | null;
  userId: string | null;
}

/**
 * One booking's new state. `created` marks a booking decided for the first
 * time (a new row); otherwise an existing booking moved on.
 */
export interface Decision {
  bookingId: string;
  eventId: string;
  userId: string;
  seatIds: readonly string[];
  status: Exclude<BookingStatus, 'PENDING'>;
  reason: string | null;
  expiresAt: Date | null;
  created: boolean;
  requestedAt: string;
  seats: SeatChange[];
}

export interface BatchState {
  /** Events that exist. */
  events: ReadonlyMap<string, EventState>;
  /** Current seats by `seatKey(eventId, seatId)`. */
  seats: ReadonlyMap<string, SeatState>;
  /** Booking ids already decided in an earlier delivery. */
  decided: ReadonlySet<string>;
  /** Recorded bookings that commands of the batch name. */
  bookings: ReadonlyMap<string, BookingState>;
  /** Seats held or confirmed per `userKey(eventId, userId)`. */
  userSeats: ReadonlyMap<string, number>;
  now: Date;
}

export const seatKey = (eventId: string, seatId: string) => `${eventId}\u0000${seatId}`;
export const userKey = (eventId: string, userId: string) => `${eventId}\u0000${userId}`;

/** Holds still live at `now` are HELD; a hold is over at its expiry instant. */
export const holdIsLive = (booking: Pick<BookingState, 'status' | 'expiresAt'>, now: Date) =>
  booking.status === 'HELD' && booking.expiresAt !== null && booking.expiresAt.getTime() > now.getTime();

/**
 * Decides a batch in delivery order. A request takes all of its seats or
 * none; a later item in the batch sees what earlier ones changed (seats,
 * bookings, per-user counts). Requests already decided (redelivery) are left
 * out; commands that change nothing produce no decision.
 */
export function decideBatch(items: readonly WorkItem[], state: BatchState): Decision[] {
  const batch = new BatchView(state);
  const decisions: Decision[] = [];
  for (const item of items) {
    const decision = isCommand(item) ? batch.command(item) : batch.request(item);
    if (decision) decisions.push(decision);
  }
  return decisions;
}

/** Releases holds that are over at `state.now` (the expiry sweep). */
export function expireHolds(holds: readonly BookingState[], state: Pick<BatchState, 'seats' | 'now'>): Decision[] {
  const batch = new BatchView({ ...state, events: new Map(), decided: new Set(), bookings: new Map(holds.map((h) => [h.id, h])), userSeats: new Map() });
  return holds.flatMap((h) => {
    const booking = batch.booking(h.id);
    return booking && booking.status === 'HELD' && !holdIsLive(booking, state.now) ? [batch.release(booking, 'EXPIRED', ErrorCode.HOLD_EXPIRED, h.expiresAt!.toISOString())] : [];
  });
}

/** The state as the batch has changed it so far. */
class BatchView {
  private readonly seats = new Map<string, SeatState>();
  private readonly bookings = new Map<string, BookingState>();
  private readonly userSeats = new Map<string, number>();
  private readonly seen = new Set<string>();

  constructor(private readonly state: BatchState) {}

  seat(eventId: string, seatId: string) {
    const key = seatKey(eventId, seatId);
    return this.seats.get(key) ?? this.state.seats.get(key);
  }
  booking(id: string) {
    return this.bookings.get(id) ?? this.state.bookings.get(id);
  }
  private count(eventId: string, userId: string) {
    const key = userKey(eventId, userId);
    return this.userSeats.get(key) ?? this.state.userSeats.get(key) ?? 0;
  }
  private record(decision: Decision) {
    for (const s of decision.seats) this.seats.set(seatKey(decision.eventId, s.seatId), { status: s.status, version: s.version, bookingId: s.bookingId });
    const before = this.booking(decision.bookingId);
    const live = (status: BookingStatus | undefined) => status === 'HELD' || status === 'CONFIRMED';
    const delta = (live(decision.status) ? decision.seatIds.length : 0) - (live(before?.status) ? decision.seatIds.length : 0);
    if (delta !== 0) this.userSeats.set(userKey(decision.eventId, decision.userId), this.count(decision.eventId, decision.userId) + delta);
    const { bookingId: id, eventId, userId, seatIds, status, expiresAt } = decision;
    this.bookings.set(id, { id, eventId, userId, seatIds, status, expiresAt });
    return decision;
  }

  request(request: BookingRequestMessage): Decision | null {
    if (this.state.decided.has(request.requestId) || this.seen.has(request.requestId)) return null;
    this.seen.add(request.requestId);
    const base = {
      bookingId: request.requestId,
      eventId: request.eventId,
      userId: request.userId,
      seatIds: request.seatIds,
      created: true,
      requestedAt: request.requestedAt,
    };
    const reject = (reason: RejectionReason): Decision => this.record({ ...base, status: 'REJECTED', reason, expiresAt: null, seats: [] });
    const event = this.state.events.get(request.eventId);
    if (!event) return reject(ErrorCode.EVENT_NOT_FOUND);
    if (!event.onSale) return reject(ErrorCode.EVENT_OFF_SALE);
    if (new Set(request.seatIds).size !== request.seatIds.length) return reject(ErrorCode.INVALID_REQUEST);
    const hold = request.holdSeconds !== undefined;
    const seats: SeatChange[] = [];
    let unavailable = false;
    for (const seatId of request.seatIds) {
      const seat = this.seat(request.eventId, seatId);
      if (!seat) return reject(ErrorCode.UNKNOWN_SEAT);
      if (seat.status !== 'AVAILABLE') unavailable = true;
      seats.push({ seatId, status: hold ? 'HELD' : 'BOOKED', version: seat.version + 1, bookingId: request.requestId, userId: request.userId });
    }
    if (unavailable) return reject(ErrorCode.SEAT_UNAVAILABLE);
    if (this.count(request.eventId, request.userId) + seats.length > event.perUserLimit) return reject(ErrorCode.LIMIT_EXCEEDED);
    const expiresAt = hold ? new Date(this.state.now.getTime() + request.holdSeconds! * 1000) : null;
    return this.record({ ...base, status: hold ? 'HELD' : 'CONFIRMED', reason: null, expiresAt, seats });
  }

  command(command: BookingCommandMessage): Decision | null {
    const booking = this.booking(command.bookingId);
    if (!booking || booking.eventId !== command.eventId) return null;
    const now = this.state.now;
    if (booking.status === 'HELD' && !holdIsLive(booking, now) && command.command !== 'CANCEL') {
      return this.release(booking, 'EXPIRED', ErrorCode.HOLD_EXPIRED, command.requestedAt);
    }
    switch (command.command) {
      case 'CONFIRM':
        if (booking.status !== 'HELD') return null;
        return this.move(booking, 'CONFIRMED', null, command.requestedAt, 'BOOKED');
      case 'EXTEND': {
        if (booking.status !== 'HELD') return null;
        const until = new Date(now.getTime() + (command.holdSeconds ?? 0) * 1000);
        if (until.getTime() <= booking.expiresAt!.getTime()) return null;
        return this.record({ ...this.base(booking, command.requestedAt), status: 'HELD', reason: null, expiresAt: until, seats: [] });
      }
      case 'CANCEL':
        if (booking.status !== 'HELD' && booking.status !== 'CONFIRMED') return null;
        return this.release(booking, 'CANCELLED', null, command.requestedAt);
    }
  }

  private base(booking: BookingState, requestedAt: string) {
    const { id: bookingId, eventId, userId, seatIds } = booking;
    return { bookingId, eventId, userId, seatIds, created: false, requestedAt };
  }

  /** Moves the booking's own seats to `seatStatus`; seats it no longer owns are left alone. */
  private move(booking: BookingState, status: Decision['status'], reason: string | null, requestedAt: string, seatStatus: SeatStatus): Decision {
    const free = seatStatus === 'AVAILABLE';
    const seats = booking.seatIds.flatMap((seatId): SeatChange[] => {
      const seat = this.seat(booking.eventId, seatId);
      if (!seat || seat.bookingId !== booking.id) return [];
      return [{ seatId, status: seatStatus, version: seat.version + 1, bookingId: free ? null : booking.id, userId: free ? null : booking.userId }];
    });
    return this.record({ ...this.base(booking, requestedAt), status, reason, expiresAt: status === 'CONFIRMED' || status === 'CANCELLED' ? null : booking.expiresAt, seats });
  }

  release(booking: BookingState, status: 'EXPIRED' | 'CANCELLED', reason: string | null, requestedAt: string): Decision {
    return this.move(booking, status, reason, requestedAt, 'AVAILABLE');
  }
}
