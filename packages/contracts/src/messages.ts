import { z } from 'zod';

/** Limits on what one booking request may carry. */
export const BOOKING_LIMITS = {
  maxSeatsPerRequest: 10,
  maxIdLength: 64,
  maxIdempotencyKeyLength: 128,
} as const;

/** Bounds on events an administrator creates. */
export const EVENT_LIMITS = {
  maxSeatsPerEvent: 50_000,
  maxNameLength: 200,
  maxPerUserLimit: 1_000,
  defaultPerUserLimit: 6,
} as const;

const id = z.string().min(1).max(BOOKING_LIMITS.maxIdLength);

export const SeatStatusSchema = z.enum(['AVAILABLE', 'HELD', 'BOOKED']);
export type SeatStatus = z.infer<typeof SeatStatusSchema>;

export const BookingStatusSchema = z.enum(['PENDING', 'HELD', 'CONFIRMED', 'REJECTED', 'EXPIRED', 'CANCELLED']);
export type BookingStatus = z.infer<typeof BookingStatusSchema>;

/**
 * `booking-requests`, keyed by eventId. Without `holdSeconds` the seats are
 * booked at once; with it they are held for that long, until confirmed,
 * cancelled or expired.
 */
export const BookingRequestMessageSchema = z.object({
  requestId: z.string().uuid(),
  eventId: id,
  userId: id,
  seatIds: z.array(id).min(1).max(BOOKING_LIMITS.maxSeatsPerRequest),
  requestedAt: z.string().datetime(),
  holdSeconds: z.number().int().positive().optional(),
});
export type BookingRequestMessage = z.infer<typeof BookingRequestMessageSchema>;

/**
 * Also on `booking-requests`, keyed by eventId, so a command is decided after
 * the request that created its booking. Commands are idempotent on the
 * booking's state: a repeated CONFIRM of a confirmed booking changes nothing.
 */
export const BookingCommandMessageSchema = z.object({
  command: z.enum(['CONFIRM', 'EXTEND', 'CANCEL']),
  bookingId: z.string().uuid(),
  eventId: id,
  /** Who asked; the API has checked they may. */
  actorId: id,
  /** EXTEND: the hold then ends this many seconds after the command is decided. */
  holdSeconds: z.number().int().positive().optional(),
  requestedAt: z.string().datetime(),
});
export type BookingCommandMessage = z.infer<typeof BookingCommandMessageSchema>;

/** `seat-status`, keyed by eventId; `version` grows by one per change of a seat. */
export const SeatStatusMessageSchema = z.object({
  eventId: id,
  seatId: id,
  /** Where the seat sits, so a reader can place it without a lookup. */
  section: z.string().max(BOOKING_LIMITS.maxIdLength),
  row: z.string().max(BOOKING_LIMITS.maxIdLength),
  position: z.number().int().nonnegative(),
  status: SeatStatusSchema,
  version: z.number().int().positive(),
  bookingId: z.string().uuid().nullable(),
  userId: id.nullable(),
  changedAt: z.string().datetime(),
});
export type SeatStatusMessage = z.infer<typeof SeatStatusMessageSchema>;

/** `booking-status`, keyed by bookingId. */
export const BookingStatusMessageSchema = z.object({
  bookingId: z.string().uuid(),
  eventId: id,
  userId: id,
  seatIds: z.array(id),
  status: BookingStatusSchema,
  reason: z.string().nullable(),
  decidedAt: z.string().datetime(),
  /** When a HELD booking's seats are released unless confirmed. */
  expiresAt: z.string().datetime().nullable().optional(),
});
export type BookingStatusMessage = z.infer<typeof BookingStatusMessageSchema>;

/**
 * `event-changes`, keyed by eventId: an event created or changed by an
 * administrator. Its seats travel on `seat-status` (version 1, AVAILABLE on
 * creation). `version` grows by one per change, so readers keep the newest.
 */
export const EventChangedMessageSchema = z.object({
  eventId: id,
  name: z.string().min(1).max(EVENT_LIMITS.maxNameLength),
  venue: z.string().min(1).max(EVENT_LIMITS.maxNameLength),
  startsAt: z.string().datetime(),
  onSale: z.boolean(),
  perUserLimit: z.number().int().positive(),
  version: z.number().int().positive(),
  changedAt: z.string().datetime(),
});
export type EventChangedMessage = z.infer<typeof EventChangedMessageSchema>;
