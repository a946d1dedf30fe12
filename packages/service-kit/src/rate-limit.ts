import type { IncomingMessage } from 'node:http';
import type { Redis } from 'ioredis';
import proxyaddr from 'proxy-addr';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from './logger.ts';

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
  type Scope = (typeof scopes)[number];
  /** The scope's decision, and whether the request was counted (a store that failed counted nothing). */
  const consume = async ([name, limiter]: Scope, key: string, requests: number): Promise<{ decision: RateDecision; counted: boolean }> => {
    try {
      await limiter.consume(key, requests);
      return { decision: { allowed: true }, counted: true };
    } catch (error) {
      if (error instanceof RateLimiterRes) return { decision: { allowed: false, scope: name, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) }, counted: true };
      // The store is down: bookings go on (the worker needs Redis anyway and will retry); the fault is ours.
      log.error({ err: error, scope: name }, 'booking rate limit store failed; request let through');
      return { decision: { allowed: true }, counted: false };
    }
  };
  return {
    // Both counters at once: with an auto-pipelining Redis client they leave
    // in one write and cost one round trip. A refused request is given back
    // to the counters that allowed it, so a user over their limit does not
    // use up the budget of everyone behind the same address.
    async take(origin, requests) {
      const asked = scopes.flatMap((scope) => {
        const key = scope[0] === 'user' ? origin.userId : origin.clientIp;
        return key ? [{ scope, key }] : [];
      });
      const results = await Promise.all(asked.map(({ scope, key }) => consume(scope, key, requests)));
      const refused = results.find((r) => !r.decision.allowed)?.decision;
      if (!refused) return { allowed: true };
      await Promise.all(
        asked.map(({ scope: [name, limiter], key }, i) =>
          results[i]!.decision.allowed && results[i]!.counted
            ? limiter.reward(key, requests).catch((error: unknown) => log.error({ err: error, scope: name }, 'booking rate limit store failed to give back a refused request'))
            : undefined,
        ),
      );
      return refused;
    },
  };
}

/**
 * Counts in Redis, so every gateway instance shares the same counters. Give
 * it a client with `enableAutoPipelining`, so a request's two counters cost
 * one round trip.
 */
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

/**
 * The client's address for per-client limits, over HTTP and WebSocket alike:
 * addresses forwarded (X-Forwarded-For) by a trusted proxy are believed,
 * nobody else's. `trusted` is what Express's `trust proxy` takes
 * (`loopback`, `uniquelocal`, CIDRs, comma-separated).
 */
export function clientAddressOf(trusted: string): (req: IncomingMessage) => string {
  const trust = proxyaddr.compile(trusted.split(',').map((s) => s.trim()));
  return (req) => proxyaddr(req, trust);
}
