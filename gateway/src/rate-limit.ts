import { GraphQLError, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@booking/contracts';
import type { BookingRateLimiter, RateDecision, RequestOrigin } from '@booking/service-kit';
import { security } from './metrics.ts';

export const rateLimitedError = (decision: Extract<RateDecision, { allowed: false }>) =>
  new GraphQLError(`too many booking requests; try again in ${decision.retryAfterSeconds} s`, {
    extensions: {
      code: ErrorCode.RATE_LIMITED,
      retryAfterSeconds: decision.retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(decision.retryAfterSeconds)]]) },
    },
  });

/** Mutations that ask for seats: each is one booking request. */
const BOOKING_FIELDS = new Set(['requestBooking', 'holdSeats']);

/** Booking fields an operation asks for (aliases count one each). */
export function bookingRequests(operation: OperationDefinitionNode, fragment: (name: string) => { selectionSet: SelectionSetNode } | undefined): number {
  if (operation.operation !== 'mutation') return 0;
  const count = (set: SelectionSetNode, seen: Set<string>): number =>
    set.selections.reduce((n, sel) => {
      if (sel.kind === Kind.FIELD) return n + (BOOKING_FIELDS.has(sel.name.value) ? 1 : 0);
      if (sel.kind === Kind.INLINE_FRAGMENT) return n + count(sel.selectionSet, seen);
      const frag = seen.has(sel.name.value) ? undefined : fragment(sel.name.value);
      return frag ? n + count(frag.selectionSet, new Set([...seen, sel.name.value])) : n;
    }, 0);
  return count(operation.selectionSet, new Set());
}

/** Refuses booking mutations over the caller's or the address's rate with 429 RATE_LIMITED, before any subgraph is called. */
export function bookingRateLimit<C extends object>(limiter: BookingRateLimiter, originOf: (context: C) => RequestOrigin): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (!operation) return;
          const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
          const requests = bookingRequests(operation, (name) => fragments.get(name));
          if (requests === 0) return;
          const decision = await limiter.take(originOf(contextValue), requests);
          if (!decision.allowed) {
            security.refused(`rate_limited_${decision.scope}`);
            throw rateLimitedError(decision);
          }
        },
      };
    },
  };
}
