import type { BookingStatus } from '@booking/contracts';

export interface BookingModel {
  id: string;
  status: BookingStatus;
  reason: string | null;
  eventId: string;
  userId: string;
  seatIds: string[];
  createdAt: Date;
}
