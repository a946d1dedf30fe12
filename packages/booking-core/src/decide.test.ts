import { describe, expect, it } from 'vitest';
import type { BookingCommandMessage, BookingRequestMessage } from '@booking/contracts';
import { decideBatch, expireHolds, seatKey, userKey, type BatchState, type BookingState, type SeatState } from './decide.ts';

const NOW = new Date('2026-01-01T00:10:00.000Z');
const req = (requestId: string, seatIds: string[], extra: Partial<BookingRequestMessage> = {}): BookingRequestMessage => ({
  requestId,
  eventId: 'e1',
  userId: `u-${requestId}`,
  seatIds,
  requestedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const cmd = (command: BookingCommandMessage['command'], bookingId: string, extra: Partial<BookingCommandMessage> = {}): BookingCommandMessage => ({
  command,
  bookingId,
  eventId: 'e1',
  actorId: 'u1',
  requestedAt: NOW.toISOString(),
  ...extra,
});
const seats = (entries: Record<string, SeatState['status'] | [SeatState['status'], string]>) =>
  new Map(
    Object.entries(entries).map(([id, s]) => [seatKey('e1', id), Array.isArray(s) ? { status: s[0], version: 1, bookingId: s[1] } : { status: s, version: 1, bookingId: null }]),
  );
const hold = (id: string, seatIds: string[], expiresAt: Date, status: BookingState['status'] = 'HELD'): BookingState => ({ id, eventId: 'e1', userId: 'u1', seatIds, status, expiresAt });
const state = (over: Partial<BatchState> = {}): BatchState => ({
  events: new Map([['e1', { onSale: true, perUserLimit: 6 }]]),
  seats: seats({ A1: 'AVAILABLE', A2: 'AVAILABLE' }),
  decided: new Set(),
  bookings: new Map(),
  userSeats: new Map(),
  now: NOW,
  ...over,
});

describe('decideBatch: requests', () => {
  it('confirms a request whose seats are all available and bumps their versions', () => {
    const [d] = decideBatch([req('r1', ['A1', 'A2'])], state());
    expect(d).toMatchObject({ status: 'CONFIRMED', seats: [{ seatId: 'A1', version: 2, status: 'BOOKED' }, { seatId: 'A2', version: 2 }] });
  });

  it('gives a contested seat to the first request in delivery order only', () => {
    const ds = decideBatch([req('r1', ['A1']), req('r2', ['A1'])], state());
    expect(ds.map((d) => [d.status, d.reason])).toEqual([
      ['CONFIRMED', null],
      ['REJECTED', 'SEAT_UNAVAILABLE'],
    ]);
  });

  it('rejects a multi-seat request whole when one seat is taken, leaving the others free', () => {
    const ds = decideBatch([req('r1', ['A1', 'A2']), req('r2', ['A2'])], state({ seats: seats({ A1: 'BOOKED', A2: 'AVAILABLE' }) }));
    expect(ds.map((d) => d.status)).toEqual(['REJECTED', 'CONFIRMED']);
  });

  it('names unknown events and seats, and events off sale', () => {
    const events = new Map([
      ['e1', { onSale: true, perUserLimit: 6 }],
      ['off', { onSale: false, perUserLimit: 6 }],
    ]);
    const ds = decideBatch([req('r1', ['Z9']), req('r2', ['A1'], { eventId: 'nope' }), req('r3', ['A1'], { eventId: 'off' })], state({ events }));
    expect(ds.map((d) => d.reason)).toEqual(['UNKNOWN_SEAT', 'EVENT_NOT_FOUND', 'EVENT_OFF_SALE']);
  });

  it('skips requests decided in an earlier delivery and duplicates within the batch', () => {
    const ds = decideBatch([req('r1', ['A1']), req('r2', ['A1']), req('r2', ['A1'])], state({ decided: new Set(['r1']) }));
    expect(ds.map((d) => [d.bookingId, d.status])).toEqual([['r2', 'CONFIRMED']]);
  });

  it('treats held seats as unavailable', () => {
    const [d] = decideBatch([req('r1', ['A1'])], state({ seats: seats({ A1: ['HELD', 'h'] }) }));
    expect(d?.reason).toBe('SEAT_UNAVAILABLE');
  });

  it('holds seats until now + holdSeconds', () => {
    const [d] = decideBatch([req('r1', ['A1'], { holdSeconds: 30 })], state());
    expect(d).toMatchObject({ status: 'HELD', expiresAt: new Date(NOW.getTime() + 30_000), seats: [{ seatId: 'A1', status: 'HELD', bookingId: 'r1' }] });
  });
});

describe('decideBatch: the per-user limit', () => {
  const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`S${i}`, 'AVAILABLE' as const]));

  it('counts held and confirmed seats, earlier ones and those of the batch', () => {
    const requests = Array.from({ length: 20 }, (_, i) => req(`r${i}`, [`S${i}`], { userId: 'u1', ...(i % 2 ? { holdSeconds: 60 } : {}) }));
    const ds = decideBatch(requests, state({ seats: seats(many), userSeats: new Map([[userKey('e1', 'u1'), 2]]) }));
    expect(ds.filter((d) => d.status !== 'REJECTED')).toHaveLength(4);
    expect(ds.filter((d) => d.reason === 'LIMIT_EXCEEDED')).toHaveLength(16);
  });

  it('gives seats back to the count when a booking is cancelled in the same batch', () => {
    const ds = decideBatch(
      [req('r1', ['S0', 'S1'], { userId: 'u1', holdSeconds: 60 }), cmd('CANCEL', 'r1'), req('r2', ['S2', 'S3'], { userId: 'u1' })],
      state({ seats: seats(many), events: new Map([['e1', { onSale: true, perUserLimit: 2 }]]) }),
    );
    expect(ds.map((d) => d.status)).toEqual(['HELD', 'CANCELLED', 'CONFIRMED']);
  });

  it('does not limit other users', () => {
    const ds = decideBatch([req('r1', ['A1'], { userId: 'u1' }), req('r2', ['A2'], { userId: 'u2' })], state({ events: new Map([['e1', { onSale: true, perUserLimit: 1 }]]) }));
    expect(ds.map((d) => d.status)).toEqual(['CONFIRMED', 'CONFIRMED']);
  });
});

describe('decideBatch: commands', () => {
  const live = new Date(NOW.getTime() + 60_000);
  const past = new Date(NOW.getTime() - 1);
  const heldA1 = state({ seats: seats({ A1: ['HELD', 'h1'], A2: 'AVAILABLE' }), bookings: new Map([['h1', hold('h1', ['A1'], live)]]) });

  it('confirms a live hold and books its seats', () => {
    const [d] = decideBatch([cmd('CONFIRM', 'h1')], heldA1);
    expect(d).toMatchObject({ status: 'CONFIRMED', created: false, expiresAt: null, seats: [{ seatId: 'A1', status: 'BOOKED', version: 2, bookingId: 'h1' }] });
  });

  it('ends a confirmation after expiry EXPIRED with HOLD_EXPIRED and frees the seats', () => {
    const [d] = decideBatch([cmd('CONFIRM', 'h1')], { ...heldA1, bookings: new Map([['h1', hold('h1', ['A1'], past)]]) });
    expect(d).toMatchObject({ status: 'EXPIRED', reason: 'HOLD_EXPIRED', seats: [{ seatId: 'A1', status: 'AVAILABLE', bookingId: null, userId: null }] });
  });

  it('extends a live hold to now + holdSeconds, never shortening it', () => {
    const [d] = decideBatch([cmd('EXTEND', 'h1', { holdSeconds: 600 })], heldA1);
    expect(d).toMatchObject({ status: 'HELD', expiresAt: new Date(NOW.getTime() + 600_000), seats: [] });
    expect(decideBatch([cmd('EXTEND', 'h1', { holdSeconds: 10 })], heldA1)).toEqual([]);
  });

  it('cancels holds and confirmed bookings, freeing only the seats they still own', () => {
    const s = state({
      seats: seats({ A1: ['BOOKED', 'b1'], A2: ['HELD', 'other'] }),
      bookings: new Map([['b1', hold('b1', ['A1', 'A2'], null as unknown as Date, 'CONFIRMED')]]),
    });
    const [d] = decideBatch([cmd('CANCEL', 'b1')], s);
    expect(d).toMatchObject({ status: 'CANCELLED', seats: [{ seatId: 'A1', status: 'AVAILABLE' }] });
    expect(d!.seats).toHaveLength(1);
  });

  it('changes nothing for a command on a booking that has moved on, or a repeated command', () => {
    const done = state({ bookings: new Map([['c1', hold('c1', ['A1'], past, 'CANCELLED')]]) });
    expect(decideBatch([cmd('CONFIRM', 'c1'), cmd('CANCEL', 'c1'), cmd('EXTEND', 'c1', { holdSeconds: 60 }), cmd('CONFIRM', 'unknown')], done)).toEqual([]);
    expect(decideBatch([cmd('CONFIRM', 'h1'), cmd('CONFIRM', 'h1')], heldA1).map((d) => d.status)).toEqual(['CONFIRMED']);
  });

  it('decides a hold created earlier in the same batch', () => {
    const ds = decideBatch([req('r1', ['A2'], { userId: 'u1', holdSeconds: 60 }), cmd('CONFIRM', 'r1')], heldA1);
    expect(ds.map((d) => [d.status, d.seats[0]?.version])).toEqual([
      ['HELD', 2],
      ['CONFIRMED', 3],
    ]);
  });
});

describe('expireHolds', () => {
  it('releases holds that are over and leaves live ones', () => {
    const over = hold('h1', ['A1'], new Date(NOW.getTime() - 1000));
    const live = hold('h2', ['A2'], new Date(NOW.getTime() + 1000));
    const ds = expireHolds([over, live], { seats: seats({ A1: ['HELD', 'h1'], A2: ['HELD', 'h2'] }), now: NOW });
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ bookingId: 'h1', status: 'EXPIRED', reason: 'HOLD_EXPIRED', seats: [{ seatId: 'A1', status: 'AVAILABLE', version: 2 }] });
  });
});
