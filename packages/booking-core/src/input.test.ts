import { describe, expect, it } from 'vitest';
import { bookingRequestId, checkBookingInput, readRestBooking, seatLockKeys } from './input.ts';

describe('checkBookingInput', () => {
  it('accepts a well-formed request', () => {
    expect(checkBookingInput({ eventId: 'concert123', seatIds: ['A1', 'R10_S5'] })).toBeNull();
  });
  it.each([
    [{ eventId: '', seatIds: ['A1'] }, 'eventId'],
    [{ eventId: 'e', seatIds: [] }, 'seatIds'],
    [{ eventId: 'e', seatIds: ['A1', 'A1'] }, 'seatIds'],
    [{ eventId: 'e', seatIds: Array.from({ length: 11 }, (_, i) => `S${i}`) }, 'seatIds'],
    [{ eventId: 'e', seatIds: ['A 1'] }, 'seatIds'],
    [{ eventId: 'e', seatIds: ['x'.repeat(65)] }, 'seatIds'],
    [{ eventId: 'e', seatIds: ['A1'], idempotencyKey: '' }, 'idempotencyKey'],
  ])('refuses %j on %s', (input, field) => {
    expect(checkBookingInput(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('bookingRequestId', () => {
  it('is stable for one user and key, and differs across users', () => {
    const a = bookingRequestId('alice', 'k1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bookingRequestId('alice', 'k1')).toBe(a);
    expect(bookingRequestId('bob', 'k1')).not.toBe(a);
  });
  it('is random without a key', () => {
    expect(bookingRequestId('alice')).not.toBe(bookingRequestId('alice'));
  });
});

describe('seatLockKeys', () => {
  it('sorts and deduplicates so overlapping requests lock in one order', () => {
    expect(seatLockKeys('e', ['B2', 'A1', 'B2'], 'p:')).toEqual(['p:lock:seat:e:A1', 'p:lock:seat:e:B2']);
  });
});

describe('readRestBooking', () => {
  it('reads the original body', () => {
    expect(readRestBooking({ userId: 'ann', eventId: 'concert123', seatId: 'A1' })).toEqual({ userId: 'ann', eventId: 'concert123', seatId: 'A1' });
  });
  it.each([[null], [[]], ['text'], [{ userId: 'ann', eventId: 'e' }], [{ userId: 'a b', eventId: 'e', seatId: 'A1' }], [{ userId: 'ann', eventId: 'e', seatId: 42 }]])(
    'refuses %j as bad input',
    (body) => {
      expect(readRestBooking(body)).toMatchObject({ code: 'BAD_USER_INPUT' });
    },
  );
});
