import { parse, type OperationDefinitionNode } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '@booking/service-kit';
import { bookingRequests } from './rate-limit.ts';

const settings = { RATE_LIMIT_BOOKINGS_PER_USER: 20, RATE_LIMIT_BOOKINGS_PER_IP: 30, RATE_LIMIT_WINDOW_SECONDS: 60 };
const log = pino({ level: 'silent' });

describe('booking rate limits', () => {
  it('lets one person book a burst of 20, then refuses with a retry delay', async () => {
    const limiter = createMemoryRateLimiter(settings, log);
    for (let i = 0; i < 20; i++) expect(await limiter.take({ userId: 'ann', clientIp: '10.0.0.1' }, 1)).toEqual({ allowed: true });
    const refused = await limiter.take({ userId: 'ann', clientIp: '10.0.0.1' }, 1);
    expect(refused).toMatchObject({ allowed: false, scope: 'user' });
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(await limiter.take({ userId: 'bob', clientIp: '10.0.0.2' }, 1)).toEqual({ allowed: true });
  });

  it('counts a client address across users', async () => {
    const limiter = createMemoryRateLimiter(settings, log);
    for (let i = 0; i < 30; i++) await limiter.take({ userId: `u${i}`, clientIp: '10.0.0.9' }, 1);
    expect(await limiter.take({ userId: 'fresh', clientIp: '10.0.0.9' }, 1)).toMatchObject({ allowed: false, scope: 'ip' });
  });
});

describe('booking rate limits, both counters at once', () => {
  it("gives a request refused by the user's counter back to the address's, and the other way round", async () => {
    const limiter = createMemoryRateLimiter({ RATE_LIMIT_BOOKINGS_PER_USER: 2, RATE_LIMIT_BOOKINGS_PER_IP: 4, RATE_LIMIT_WINDOW_SECONDS: 60 }, log);
    const take = (userId: string) => limiter.take({ userId, clientIp: '10.0.0.5' }, 1);
    expect(await take('ann')).toEqual({ allowed: true });
    expect(await take('ann')).toEqual({ allowed: true });
    // Ann's next ten are refused by her own counter and leave the address's two remaining requests alone.
    for (let i = 0; i < 10; i++) expect(await take('ann')).toMatchObject({ allowed: false, scope: 'user' });
    expect(await take('bob')).toEqual({ allowed: true });
    expect(await take('cat')).toEqual({ allowed: true });
    // The address is used up now; dan's refused request does not count against dan.
    expect(await take('dan')).toMatchObject({ allowed: false, scope: 'ip' });
    expect(await limiter.take({ userId: 'dan', clientIp: '10.0.0.6' }, 2)).toEqual({ allowed: true });
  });
});

describe('bookingRequests', () => {
  const op = (query: string) => {
    const doc = parse(query);
    const frags = new Map(doc.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d] as const] : [])));
    return bookingRequests(doc.definitions[0] as OperationDefinitionNode, (n) => frags.get(n));
  };
  it('counts each aliased requestBooking and holdSeats, through fragments', () => {
    expect(op('mutation { a: requestBooking(input: {}) { id } b: requestBooking(input: {}) { id } ...F } fragment F on Mutation { requestBooking(input: {}) { id } }')).toBe(3);
    expect(op('mutation { holdSeats(input: {}) { id } cancelBooking(id: "x") { id } }')).toBe(1);
    expect(op('{ requestBooking { id } }')).toBe(0);
  });
});
