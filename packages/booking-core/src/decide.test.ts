import { describe, expect, it } from 'vitest';
import type { BookingRequestMessage } from '@booking/contracts';
import { decideBatch, seatKey, type SeatState } from './decide.ts';

const req = (requestId: string, seatIds: string[], eventId = 'e1'): BookingRequestMessage => ({
  requestId,
  eventId,
  userId: `u-${requestId}`,
  seatIds,
  requestedAt: '2026-01-01T00:00:00.000Z',
});
const seats = (entries: Record<string, SeatState['status']>) =>
  new Map(Object.entries(entries).map(([id, status]) => [seatKey('e1', id), { status, version: 1 }]));

describe('decideBatch', () => {
  it('confirms a request whose seats are all available and bumps their versions', () => {
    const [d] = decideBatch([req('r1', ['A1', 'A2'])], { events: new Set(['e1']), seats: seats({ A1: 'AVAILABLE', A2: 'AVAILABLE' }), decided: new Set() });
    expect(d).toMatchObject({ status: 'CONFIRMED', seats: [{ seatId: 'A1', version: 2 }, { seatId: 'A2', version: 2 }] });
  });

  it('gives a contested seat to the first request in delivery order only', () => {
    const ds = decideBatch([req('r1', ['A1']), req('r2', ['A1'])], { events: new Set(['e1']), seats: seats({ A1: 'AVAILABLE' }), decided: new Set() });
    expect(ds.map((d) => [d.status, d.reason])).toEqual([
      ['CONFIRMED', null],
      ['REJECTED', 'SEAT_UNAVAILABLE'],
    ]);
  });

  it('rejects a multi-seat request whole when one seat is taken, leaving the others free', () => {
    const ds = decideBatch([req('r1', ['A1', 'A2']), req('r2', ['A2'])], {
      events: new Set(['e1']),
      seats: seats({ A1: 'BOOKED', A2: 'AVAILABLE' }),
      decided: new Set(),
    });
    expect(ds.map((d) => d.status)).toEqual(['REJECTED', 'CONFIRMED']);
  });

  it('names unknown events and seats', () => {
    const ds = decideBatch([req('r1', ['Z9']), req('r2', ['A1'], 'nope')], { events: new Set(['e1']), seats: seats({ A1: 'AVAILABLE' }), decided: new Set() });
    expect(ds.map((d) => d.reason)).toEqual(['UNKNOWN_SEAT', 'EVENT_NOT_FOUND']);
  });

  it('skips requests decided in an earlier delivery and duplicates within the batch', () => {
    const ds = decideBatch([req('r1', ['A1']), req('r2', ['A1']), req('r2', ['A1'])], {
      events: new Set(['e1']),
      seats: seats({ A1: 'AVAILABLE' }),
      decided: new Set(['r1']),
    });
    expect(ds.map((d) => [d.request.requestId, d.status])).toEqual([['r2', 'CONFIRMED']]);
  });

  it('treats held seats as unavailable', () => {
    const [d] = decideBatch([req('r1', ['A1'])], { events: new Set(['e1']), seats: seats({ A1: 'HELD' }), decided: new Set() });
    expect(d?.reason).toBe('SEAT_UNAVAILABLE');
  });
});
