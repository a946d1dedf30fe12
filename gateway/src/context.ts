import { GraphQLError } from 'graphql';
import { isUserId } from '@booking/booking-core';
import { ErrorCode } from '@booking/contracts';

export interface GatewayContext {
  /** The caller; until token authentication lands, taken from `x-user-id`. */
  userId: string | null;
}

/** Reads the caller's identity from request headers; a malformed one is refused, absent is anonymous. */
export function identityFromHeaders(headers: Record<string, string | string[] | undefined>): GatewayContext {
  const raw = headers['x-user-id'];
  if (raw === undefined || raw === '') return { userId: null };
  if (!isUserId(raw)) {
    throw new GraphQLError('x-user-id must be 1-64 letters, digits, "_", ".", ":", "@" or "-"', {
      extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
    });
  }
  return { userId: raw };
}
