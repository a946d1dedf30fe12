import { describe, expect, it } from 'vitest';
import type { Delivery } from '@booking/service-kit';
import { parseRequest } from './worker.ts';

const msg = (value: string): Delivery => ({ topic: 'booking-requests', partition: 0, offset: '0', key: 'e', value });

describe('parseRequest', () => {
  it('accepts a valid request', () => {
    const r = parseRequest(msg(JSON.stringify({ requestId: '3f0c4c1e-7d2a-4b8e-9c1d-2a3b4c5d6e7f', eventId: 'e', userId: 'u', seatIds: ['A1'], requestedAt: new Date().toISOString() })));
    expect(r.ok).toBe(true);
  });
  it('accepts a command and refuses one it does not know', () => {
    const command = { command: 'CONFIRM', bookingId: '3f0c4c1e-7d2a-4b8e-9c1d-2a3b4c5d6e7f', eventId: 'e', actorId: 'u', requestedAt: new Date().toISOString() };
    expect(parseRequest(msg(JSON.stringify(command)))).toMatchObject({ ok: true, request: { command: 'CONFIRM' } });
    const r = parseRequest(msg(JSON.stringify({ ...command, command: 'STEAL' })));
    expect(!r.ok && r.reason).toMatch(/command/);
  });
  it('explains why a message is poison', () => {
    expect(parseRequest(msg('{not json'))).toMatchObject({ ok: false, reason: 'value is not JSON' });
    const r = parseRequest(msg(JSON.stringify({ requestId: 'x', eventId: 'e' })));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/requestId/);
  });
});
