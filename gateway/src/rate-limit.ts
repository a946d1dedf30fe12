import { GraphQLError, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCode } from '@booking/contracts';
import type { Logger } from '@booking/service-kit';
import { security } from './metrics.ts';

/** Who asks: the authenticated user (if any) and the client address. */
export interface RequestOrigin {
  userId: string | null;
  clientIp: string | null;
}

export type RateDecision = { allowed: true } | { allowed: false; scope: 'user' | 'ip'; retryAfterSeconds: number };

/** Counts booking requests per user and per client address over a fixed window. */
export interface BookingRateLimiter {
  take(origin: RequestOrigin, requests: number): Promise<RateDecision>;
}

export interface RateLimitSettings {
  RATE_LIMIT_BOOKINGS_PER_USER: number;
  RATE_LIMIT_BOOKINGS_PER_IP: number;
  RATE_LIMIT_WINDOW_SECONDS: number;
}

function limiterOver(make: (keyPrefix: string, points: number) => RateLimiterAbstract, settings: RateLimitSettings, log: Logger): BookingRateLimiter {
  const scopes = [
    ['user', make('user', settings.RATE_LIMIT_BOOKINGS_PER_USER)],
    ['ip', make('ip', settings.RATE_LIMIT_BOOKINGS_PER_IP)],
  ] as const;
  return {
    async take(origin, requests) {
      for (const [scope, limiter] of scopes) {
        const key = scope === 'user' ? origin.userId : origin.clientIp;
        if (!key) continue;
        try {
          await limiter.consume(key, requests);
        } catch (error) {
          if (error instanceof RateLimiterRes) return { allowed: false, scope, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
          // The store is down: bookings go on (the worker needs Redis anyway and will retry); the fault is ours.
          log.error({ err: error, scope }, 'booking rate limit store failed; request let through');
        }
      }
      return { allowed: true };
    },
  };
}

/** Counts in Redis, so every gateway instance shares the same counters. */
export function createRedisRateLimiter(redis: Redis, keyPrefix: string, settings: RateLimitSettings, log: Logger): BookingRateLimiter {
  return limiterOver(
    (scope, points) => new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}rate:booking:${scope}`, points, duration: settings.RATE_LIMIT_WINDOW_SECONDS }),
    settings,
    log,
  );
}

/** Counts in this process: embedded mode, which is one instance. */
export function createMemoryRateLimiter(settings: RateLimitSettings, log: Logger): BookingRateLimiter {
  return limiterOver((scope, points) => new RateLimiterMemory({ keyPrefix: scope, points, duration: settings.RATE_LIMIT_WINDOW_SECONDS }), settings, log);
}

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
