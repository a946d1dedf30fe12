import { createHash, randomUUID } from 'node:crypto';
import { BOOKING_LIMITS, ErrorCode } from '@booking/contracts';

export interface BookingInput {
  eventId: string;
  seatIds: readonly string[];
  idempotencyKey?: string | null;
}

export interface InputProblem {
  code: ErrorCode;
  message: string;
  field?: string;
}

const ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** Shape checks that need no data: every rule here is about the request alone. */
export function checkBookingInput(input: BookingInput): InputProblem | null {
  const { eventId, seatIds, idempotencyKey } = input;
  if (!isId(eventId)) {
    return { code: ErrorCode.BAD_USER_INPUT, field: 'eventId', message: 'eventId must be 1-64 letters, digits, "_", ".", ":" or "-"' };
  }
  if (seatIds.length === 0) {
    return { code: ErrorCode.BAD_USER_INPUT, field: 'seatIds', message: 'seatIds must name at least one seat' };
  }
  if (seatIds.length > BOOKING_LIMITS.maxSeatsPerRequest) {
    return {
      code: ErrorCode.BAD_USER_INPUT,
      field: 'seatIds',
      message: `seatIds may name at most ${BOOKING_LIMITS.maxSeatsPerRequest} seats`,
    };
  }
  const bad = seatIds.findIndex((s) => !isId(s));
  if (bad !== -1) {
    return { code: ErrorCode.BAD_USER_INPUT, field: 'seatIds', message: `seat id ${JSON.stringify(String(seatIds[bad]).slice(0, 80))} is malformed` };
  }
  if (new Set(seatIds).size !== seatIds.length) {
    return { code: ErrorCode.BAD_USER_INPUT, field: 'seatIds', message: 'seatIds must not repeat a seat' };
  }
  if (idempotencyKey != null && (idempotencyKey.length === 0 || idempotencyKey.length > BOOKING_LIMITS.maxIdempotencyKeyLength)) {
    return {
      code: ErrorCode.BAD_USER_INPUT,
      field: 'idempotencyKey',
      message: `idempotencyKey must be 1-${BOOKING_LIMITS.maxIdempotencyKeyLength} characters`,
    };
  }
  return null;
}

export function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= BOOKING_LIMITS.maxIdLength && ID_PATTERN.test(value);
}

export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= BOOKING_LIMITS.maxIdLength && /^[A-Za-z0-9_.:@-]+$/.test(value);
}

/**
 * The booking id. With an idempotency key it is a name-based UUID of
 * (user, key), so a retried request lands on the same booking.
 */
export function bookingRequestId(userId: string, idempotencyKey?: string | null): string {
  if (idempotencyKey == null) return randomUUID();
  const bytes = createHash('sha256').update(`booking:${userId}\u0000${idempotencyKey}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5-style name-based id
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Lock resources for a request's seats, sorted so overlapping requests never deadlock. */
export function seatLockKeys(eventId: string, seatIds: Iterable<string>, prefix = ''): string[] {
  return [...new Set([...seatIds].map((s) => `${prefix}lock:seat:${eventId}:${s}`))].sort();
}

/** How long a hold may last, per deployment. */
export interface HoldBounds {
  defaultSeconds: number;
  minSeconds: number;
  maxSeconds: number;
}

/** The hold's length in seconds, or the problem with the asked one. */
export function holdSeconds(ttlSeconds: number | null | undefined, bounds: HoldBounds): number | InputProblem {
  if (ttlSeconds == null) return bounds.defaultSeconds;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < bounds.minSeconds || ttlSeconds > bounds.maxSeconds) {
    return { code: ErrorCode.BAD_USER_INPUT, field: 'ttlSeconds', message: `ttlSeconds must be ${bounds.minSeconds}-${bounds.maxSeconds}` };
  }
  return ttlSeconds;
}

/** The original REST API's booking body, `{userId, eventId, seatId}`, checked field by field. */
export function readRestBooking(body: unknown): { userId: string; eventId: string; seatId: string } | InputProblem {
  const problem = (message: string): InputProblem => ({ code: ErrorCode.BAD_USER_INPUT, message });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return problem('body must be a JSON object {userId, eventId, seatId}');
  const fields = body as Record<string, unknown>;
  const missing = (['userId', 'eventId', 'seatId'] as const).filter((k) => fields[k] == null);
  if (missing.length > 0) return problem(`missing field(s): ${missing.join(', ')}`);
  const { userId, eventId, seatId } = fields;
  if (!isUserId(userId)) return problem('userId must be 1-64 letters, digits, "_", ".", ":", "@" or "-"');
  if (!isId(eventId)) return problem('eventId is malformed');
  if (!isId(seatId)) return problem('seatId is malformed');
  return { userId, eventId, seatId };
}
