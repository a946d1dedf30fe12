import { z } from 'zod';

/** Limits on what one booking request may carry. */
export const BOOKING_LIMITS = {
  maxSeatsPerRequest: 10,
  maxIdLength: 64,
  maxIdempotencyKeyLength: 128,
} as const;

const id = z.string().min(1).max(BOOKING_LIMITS.maxIdLength);

export const SeatStatusSchema = z.enum(['AVAILABLE', 'HELD', 'BOOKED']);
export type SeatStatus = z.infer<typeof SeatStatusSchema>;

export const BookingStatusSchema = z.enum(['PENDING', 'CONFIRMED', 'REJECTED']);
export type BookingStatus = z.infer<typeof BookingStatusSchema>;

/** `booking-requests`, keyed by eventId. */
export const BookingRequestMessageSchema = z.object({
  requestId: z.string().uuid(),
  eventId: id,
  userId: id,
  seatIds: z.array(id).min(1).max(BOOKING_LIMITS.maxSeatsPerRequest),
  requestedAt: z.string().datetime(),
});
export type BookingRequestMessage = z.infer<typeof BookingRequestMessageSchema>;

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
});
export type BookingStatusMessage = z.infer<typeof BookingStatusMessageSchema>;
