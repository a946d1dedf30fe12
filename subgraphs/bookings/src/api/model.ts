import type { BookingStatus } from '@booking/contracts';

export interface BookingModel {
  id: string;
  status: BookingStatus;
  reason: string | null;
  eventId: string;
  userId: string;
  seatIds: string[];
  createdAt: Date;
  /** When a HELD booking's seats are released unless confirmed. */
  expiresAt: Date | null;
  /** Grows by one with every recorded change; 0 while the request is pending. */
  version: number;
  /** Whether the request asked for a hold (known while it is pending). */
  hold?: boolean;
}
