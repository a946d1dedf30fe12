import type { BookingStatusMessage } from '@booking/contracts';
import { createHub } from '@booking/service-kit';
import { describe, expect, it } from 'vitest';
import type { BookingModel } from './model.ts';
import { followBookings } from './updates.ts';

const ID = '6b53773d-f5ff-4be4-a59a-d40ce51df7e8';
const booking = (status: BookingModel['status'], reason: string | null = null, version = status === 'PENDING' ? 0 : 1): BookingModel => ({
  id: ID,
  status,
  reason,
  eventId: 'concert123',
  userId: 'olga',
  seatIds: ['A1'],
  createdAt: new Date('2027-01-01T00:00:00Z'),
  expiresAt: null,
  version,
});
const change = (status: BookingStatusMessage['status'], reason: string | null = null): BookingStatusMessage => ({
  bookingId: ID,
  eventId: 'concert123',
  userId: 'olga',
  seatIds: ['A1'],
  status,
  reason,
  decidedAt: '2027-01-01T00:00:01.000Z',
});

describe('bookingUpdated', () => {
  it('sends an already decided booking at once, then the booking as it is after each newer change', async () => {
    const hub = createHub<BookingStatusMessage>();
    let stored = booking('CONFIRMED');
    const updates = await followBookings(hub, async () => stored)(ID, 'olga');
    expect((await updates.next()).value).toEqual(booking('CONFIRMED'));
    hub.publish(ID, change('CONFIRMED')); // the change already told
    stored = booking('CANCELLED', 'CANCELLED_BY_USER', 2);
    hub.publish(ID, change('CANCELLED', 'CANCELLED_BY_USER'));
    expect((await updates.next()).value).toEqual(booking('CANCELLED', 'CANCELLED_BY_USER', 2));
    await updates.return!();
    expect(hub.size()).toBe(0);
  });

  it('sends nothing for a pending booking until it is decided', async () => {
    const hub = createHub<BookingStatusMessage>();
    let stored = booking('PENDING');
    const updates = await followBookings(hub, async () => stored)(ID.toUpperCase(), 'olga');
    const next = updates.next();
    stored = booking('CONFIRMED');
    hub.publish(ID, change('CONFIRMED'));
    expect((await next).value).toEqual(booking('CONFIRMED'));
  });

  it("refuses someone else's booking and an unknown one, holding nothing", async () => {
    const hub = createHub<BookingStatusMessage>();
    await expect(followBookings(hub, async () => booking('CONFIRMED'))(ID, 'mallory')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(followBookings(hub, async () => null)(ID, 'olga')).rejects.toMatchObject({ extensions: { code: 'BOOKING_NOT_FOUND' } });
    expect(hub.size()).toBe(0);
  });
});
