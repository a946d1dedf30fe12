export interface Topics {
  bookingRequests: string;
  bookingRequestsDeadLetter: string;
  seatStatus: string;
  seatStatusDeadLetter: string;
  bookingStatus: string;
  /** Events created or changed by an administrator (not their seats: those go to seat-status). */
  eventChanges: string;
}

export function topicNames(prefix = ''): Topics {
  return {
    bookingRequests: `${prefix}booking-requests`,
    bookingRequestsDeadLetter: `${prefix}booking-requests.dlq`,
    seatStatus: `${prefix}seat-status`,
    seatStatusDeadLetter: `${prefix}seat-status.dlq`,
    bookingStatus: `${prefix}booking-status`,
    eventChanges: `${prefix}event-changes`,
  };
}

/** Partitions per topic; the worker scales out up to this many consumers. */
export const TOPIC_PARTITIONS = 6;
