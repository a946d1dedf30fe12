/** Stable codes carried in GraphQL `extensions.code`, REST bodies and booking reasons. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  EVENT_NOT_FOUND: 'EVENT_NOT_FOUND',
  UNKNOWN_SEAT: 'UNKNOWN_SEAT',
  SEAT_UNAVAILABLE: 'SEAT_UNAVAILABLE',
  INVALID_REQUEST: 'INVALID_REQUEST',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** A malformed HTTP request: undecodable URL or body encoding. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** operationName names no operation of the document, or several operations and none named. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** A subscription sent over HTTP, or a query over WebSocket. */
  OPERATION_NOT_SUPPORTED: 'OPERATION_NOT_SUPPORTED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  NOT_FOUND: 'NOT_FOUND',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  // Holds, limits and event administration.
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  HOLD_EXPIRED: 'HOLD_EXPIRED',
  EVENT_OFF_SALE: 'EVENT_OFF_SALE',
  BOOKING_NOT_FOUND: 'BOOKING_NOT_FOUND',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Reasons a booking request can end REJECTED. */
export type RejectionReason =
  | typeof ErrorCode.SEAT_UNAVAILABLE
  | typeof ErrorCode.UNKNOWN_SEAT
  | typeof ErrorCode.EVENT_NOT_FOUND
  | typeof ErrorCode.INVALID_REQUEST
  | typeof ErrorCode.LIMIT_EXCEEDED
  | typeof ErrorCode.EVENT_OFF_SALE;

/** Reason a hold ends EXPIRED. */
export type ExpiryReason = typeof ErrorCode.HOLD_EXPIRED;

/** HTTP status of a client-facing code on the REST API; codes not listed answer 503. */
export const HTTP_STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.EVENT_NOT_FOUND]: 404,
  [ErrorCode.UNKNOWN_SEAT]: 404,
  [ErrorCode.RATE_LIMITED]: 429,
};
