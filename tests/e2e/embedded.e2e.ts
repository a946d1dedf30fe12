import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '@booking/testkit';
import { coreScenarios } from './core-scenarios.ts';
import { browserTests } from './browser-scenarios.ts';
import { outcome, requestBooking } from './helpers.ts';
import { wsClients } from './ws.ts';
import { buildWeb } from '../../web/build.ts';

let system: Embedded;
const ws = wsClients();
beforeAll(async () => {
  await buildWeb();
  system = await startEmbedded('embedded');
});
afterAll(async () => {
  await ws.dispose();
  await system?.stop();
});

coreScenarios('embedded mode, in memory', () => system, ws);

describe('seat-map page and GraphiQL in headless Chromium, embedded mode', () => {
  browserTests(() => system.url, 'embedded');
});

describe('embedded mode with a data directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'booking-data-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps bookings across a restart and stops cleanly', async () => {
    const first = await startEmbedded('embedded-data', { dataDir: dir });
    const booked = await requestBooking(first, 'gina', 'concert123', ['A2']);
    const id = booked.data!.requestBooking.id;
    expect(await outcome(first, 'gina', id)).toMatchObject({ status: 'CONFIRMED' });
    expect(await first.stop()).toBe(0);

    const second = await startEmbedded('embedded-data', { dataDir: dir });
    try {
      expect(await outcome(second, 'gina', id)).toMatchObject({ status: 'CONFIRMED', seatIds: ['A2'] });
      const again = await requestBooking(second, 'hal', 'concert123', ['A2']);
      expect(await outcome(second, 'hal', again.data!.requestBooking.id)).toMatchObject({ status: 'REJECTED', reason: 'SEAT_UNAVAILABLE' });
      const rest = (await (await fetch(`${second.url}/api/events/concert123`)).json()) as { seats: { seat_id: string; status: string }[] };
      expect(rest.seats.find((s) => s.seat_id === 'A2')?.status).toBe('booked');
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
