import { ErrorCode, type BookingRequestMessage, type RejectionReason, type SeatStatus } from '@booking/contracts';

export interface SeatState {
  status: SeatStatus;
  version: number;
}

export type Decision =
  | { request: BookingRequestMessage; status: 'CONFIRMED'; reason: null; seats: { seatId: string; version: number }[] }
  | { request: BookingRequestMessage; status: 'REJECTED'; reason: RejectionReason; seats: [] };

export interface BatchState {
  /** Events that exist. */
  events: ReadonlySet<string>;
  /** Current seats by `seatKey(eventId, seatId)`. */
  seats: ReadonlyMap<string, SeatState>;
  /** Booking ids already decided in an earlier delivery. */
  decided: ReadonlySet<string>;
}

export const seatKey = (eventId: string, seatId: string) => `${eventId}\u0000${seatId}`;

/**
 * Decides a batch of requests in delivery order. A request takes all of its
 * seats or none; a later request in the same batch sees the seats taken by an
 * earlier one. Requests already decided (redelivery) are left out.
 */
export function decideBatch(requests: readonly BookingRequestMessage[], state: BatchState): Decision[] {
  const taken = new Map<string, number>();
  const seen = new Set<string>();
  const decisions: Decision[] = [];
  for (const request of requests) {
    if (state.decided.has(request.requestId) || seen.has(request.requestId)) continue;
    seen.add(request.requestId);
    decisions.push(decideOne(request, state, taken));
  }
  return decisions;
}

function decideOne(request: BookingRequestMessage, state: BatchState, taken: Map<string, number>): Decision {
  const reject = (reason: RejectionReason): Decision => ({ request, status: 'REJECTED', reason, seats: [] });
  if (!state.events.has(request.eventId)) return reject(ErrorCode.EVENT_NOT_FOUND);
  if (new Set(request.seatIds).size !== request.seatIds.length) return reject(ErrorCode.INVALID_REQUEST);
  const seats: { seatId: string; version: number }[] = [];
  let unavailable = false;
  for (const seatId of request.seatIds) {
    const key = seatKey(request.eventId, seatId);
    const seat = state.seats.get(key);
    if (!seat) return reject(ErrorCode.UNKNOWN_SEAT);
    if (seat.status !== 'AVAILABLE' || taken.has(key)) unavailable = true;
    seats.push({ seatId, version: seat.version + 1 });
  }
  if (unavailable) return reject(ErrorCode.SEAT_UNAVAILABLE);
  for (const seat of request.seatIds) taken.set(seatKey(request.eventId, seat), 1);
  return { request, status: 'CONFIRMED', reason: null, seats };
}
