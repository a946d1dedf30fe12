import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SeatStatusMessage } from '@booking/contracts';
import { createMemoryBus } from '@booking/service-kit';
import { createLiveReadModel } from './live-model.ts';
import { createMemoryReadStore } from './memory-store.ts';
import type { SeatDoc } from './read-model.ts';

const log = pino({ level: 'silent' });
const TOPIC = 'seat-status';

const seat = (eventId: string, seatId: string, order: number, version = 1, status: SeatDoc['status'] = 'AVAILABLE'): SeatDoc => ({
  eventId,
  seatId,
  section: 'S',
  row: '1',
  order,
  status,
  version,
  bookingId: null,
  userId: null,
});
const message = (s: SeatDoc): SeatStatusMessage => ({
  eventId: s.eventId,
  seatId: s.seatId,
  section: s.section,
  row: s.row,
  position: s.order,
  status: s.status,
  version: s.version,
  bookingId: null,
  userId: s.status === 'BOOKED' ? 'u1' : null,
  changedAt: new Date().toISOString(),
});

describe('live read model of an events instance', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  async function start(refreshMs = 20, resyncMs = 40) {
    const durable = createMemoryReadStore();
    await durable.upsertEvents([{ _id: 'ev', name: 'Gala', venue: 'Hall', startsAt: new Date('2027-01-01T00:00:00Z'), onSale: true, perUserLimit: 10, version: 1 }]);
    await durable.repairSeats([seat('ev', 'A1', 0, 1), seat('ev', 'A2', 1, 4, 'BOOKED')]);
    const bus = createMemoryBus({ partitions: 3, log, retryMs: 5 });
    await bus.connect();
    const model = createLiveReadModel({ durable, bus, topic: TOPIC, eventTopic: 'event-changes', group: 'view-1', log, refreshMs, resyncMs });
    await model.start();
    stops.push(() => bus.close(), () => model.stop());
    const publish = (s: SeatDoc) => bus.publish([{ topic: TOPIC, key: s.eventId, value: JSON.stringify(message(s)) }]);
    const status = async (eventId: string, seatId: string) => (await model.store.seats(eventId)).find((s) => s.seatId === seatId);
    return { durable, bus, model, publish, status };
  }

  it('starts from the durable copy and then applies live changes by version, ignoring replays', async () => {
    const { model, publish, status } = await start();
    expect(model.ready()).toBe(true);
    expect(await model.store.availability('ev')).toEqual({ total: 2, available: 1, held: 0, booked: 1 });

    await publish(seat('ev', 'A1', 0, 2, 'BOOKED'));
    await vi.waitFor(async () => expect((await status('ev', 'A1'))?.status === 'BOOKED').toBe(true), { timeout: 1_000 });
    await publish(seat('ev', 'A1', 0, 1, 'AVAILABLE')); // an old change delivered again
    await publish(seat('ev', 'A2', 1, 3, 'AVAILABLE')); // older than what the durable copy had
    await publish(seat('ev', 'A2', 1, 5, 'BOOKED')); // a marker: the two before it were handled
    await vi.waitFor(async () => expect((await status('ev', 'A2'))?.version === 5).toBe(true), { timeout: 1_000 });
    expect(await status('ev', 'A1')).toMatchObject({ status: 'BOOKED', version: 2 });
  });

  it('tells subscribers of an event each change once the store shows it, and nothing of other events', async () => {
    const { model, publish, status } = await start();
    const seen: { version: number; stored?: number }[] = [];
    const other: unknown[] = [];
    const stream = model.changes.subscribe('ev');
    const elsewhere = model.changes.subscribe('new');
    void (async () => {
      for await (const change of stream) seen.push({ version: change.version, stored: (await status('ev', change.seatId))?.version });
    })();
    void (async () => {
      for await (const change of elsewhere) other.push(change);
    })();
    await publish(seat('ev', 'A1', 0, 2, 'HELD'));
    await publish(seat('ev', 'A1', 0, 3, 'BOOKED'));
    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 1_000 });
    // Each was in the store by the time its subscriber heard of it.
    expect(seen.every((s) => s.stored !== undefined && s.stored >= s.version)).toBe(true);
    expect(seen.map((s) => s.version)).toEqual([2, 3]);
    expect(other).toEqual([]);
    await stream.return?.(undefined);
    await elsewhere.return?.(undefined);
  });

  it('picks up new events and changes it missed from the durable copy, never moving a seat back', async () => {
    const { durable, publish, status, model } = await start();
    await durable.upsertEvents([{ _id: 'new', name: 'Late show', venue: 'Club', startsAt: new Date('2027-02-01T00:00:00Z'), onSale: true, perUserLimit: 10, version: 1 }]);
    await durable.repairSeats([seat('new', 'N1', 0)]);
    await vi.waitFor(async () => expect(await status('new', 'N1')).toBeDefined(), { timeout: 2_000 });
    expect((await model.store.getEvents(['new'])).get('new')?.name).toBe('Late show');

    await durable.repairSeats([seat('ev', 'A1', 0, 3, 'HELD')]); // projected, but never seen live
    await vi.waitFor(async () => expect((await status('ev', 'A1'))?.status === 'HELD').toBe(true), { timeout: 2_000 });

    await publish(seat('ev', 'A1', 0, 6, 'BOOKED')); // newer than the durable copy
    await vi.waitFor(async () => expect((await status('ev', 'A1'))?.version === 6).toBe(true), { timeout: 1_000 });
    await new Promise((r) => setTimeout(r, 150)); // several merges of the older durable copy
    expect(await status('ev', 'A1')).toMatchObject({ status: 'BOOKED', version: 6 });
  });
});
