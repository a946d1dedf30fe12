import { describe, expect, it } from 'vitest';
import type { SeatStatusMessage } from '@booking/contracts';
import { createMemoryReadStore } from './memory-store.ts';
import type { SeatDoc } from './read-model.ts';
import { createReadViews } from './views.ts';

const seat = (seatId: string, section: string, row: string, order: number): SeatDoc => ({
  eventId: 'ev',
  seatId,
  section,
  row,
  order,
  status: 'AVAILABLE',
  version: 1,
  bookingId: null,
  userId: null,
});
const change = (s: SeatDoc, version: number, status: SeatStatusMessage['status'] = 'BOOKED'): SeatStatusMessage => ({
  eventId: s.eventId,
  seatId: s.seatId,
  section: s.section,
  row: s.row,
  position: s.order,
  status,
  version,
  bookingId: null,
  userId: 'u1',
  changedAt: new Date().toISOString(),
});

async function setup() {
  const store = createMemoryReadStore();
  const seats = [seat('A1', 'A', '1', 0), seat('A2', 'A', '1', 1), seat('A3', 'A', '2', 2), seat('B1', 'B', '1', 3)];
  await store.upsertEvents([{ _id: 'ev', name: 'Gala', venue: 'Hall', startsAt: new Date('2027-01-02T03:04:05Z'), onSale: true, perUserLimit: 10, version: 1 }]);
  await store.repairSeats(seats);
  return { store, seats, views: createReadViews(store) };
}

/** The compact map expanded back to one entry per seat. */
function expand(map: Awaited<ReturnType<ReturnType<typeof createReadViews>['seatMap']>>) {
  return map.sections.flatMap((s) =>
    s.rows.flatMap((r) => r.seatIds.map((id, i) => ({ id, section: s.name, row: r.name, status: r.statuses[i], version: r.versions[i] }))),
  );
}

describe('read views', () => {
  it('give a compact seat map that says the same as the seats, section by section', async () => {
    const { store, views } = await setup();
    await store.applySeatChanges([change((await store.seats('ev'))[1]!, 2)]);
    const seats = await views.seats('ev');
    const letter = { AVAILABLE: 'A', HELD: 'H', BOOKED: 'B' } as const;
    expect(expand(await views.seatMap('ev'))).toEqual(seats.map((s) => ({ id: s.seatId, section: s.section, row: s.row, status: letter[s.status], version: s.version })));
    const map = await views.seatMap('ev');
    expect(map.version).toBe(5);
    expect(map.sections.map((s) => [s.name, s.rows.map((r) => r.name)])).toEqual([
      ['A', ['1', '2']],
      ['B', ['1']],
    ]);
    expect((await views.seatMap('ev', 'B')).sections.map((s) => s.name)).toEqual(['B']);
    expect((await views.seatMap('ev', 'Z')).sections).toEqual([]);
  });

  it('serve a change from the next read, and never an older version replayed after it', async () => {
    const { store, seats, views } = await setup();
    const before = await views.restEvent('ev');
    const versionBefore = (await views.seatMap('ev')).version;
    expect(await views.restEvent('ev')).toBe(before); // same revision: the same rendered body

    await store.applySeatChanges([change(seats[3]!, 3)]);
    const after = JSON.parse((await views.restEvent('ev'))!.toString()) as { seats: { seat_id: string; status: string }[] };
    expect(after.seats.find((s) => s.seat_id === 'B1')?.status).toBe('booked');
    expect((await views.seatMap('ev')).version).toBe(versionBefore + 2);

    await store.applySeatChanges([change(seats[3]!, 2, 'AVAILABLE')]); // replayed older change
    expect((await views.seats('ev', 'BOOKED')).map((s) => s.seatId)).toEqual(['B1']);
    expect(expand(await views.seatMap('ev')).find((s) => s.id === 'B1')).toMatchObject({ status: 'B', version: 3 });
  });

  it('render the REST bodies with the original names, and null for an unknown event', async () => {
    const { views } = await setup();
    const startsAt = '2027-01-02T03:04:05.000Z';
    const head = { _id: 'ev', event_id: 'ev', name: 'Gala', venue: 'Hall', date: startsAt, starts_at: startsAt };
    expect(JSON.parse((await views.restEvents()).toString())).toEqual([head]);
    const event = JSON.parse((await views.restEvent('ev'))!.toString()) as typeof head & { seats: unknown[] };
    expect(event).toMatchObject(head);
    expect(event.seats[0]).toEqual({ seat_id: 'A1', status: 'available', user_id: null });
    expect(await views.restEvent('nope')).toBeNull();
  });

  it('render the event list again when an event changes', async () => {
    const { store, views } = await setup();
    await views.restEvents();
    await store.upsertEvents([{ _id: 'ev', name: 'Gala (moved)', venue: 'Hall', startsAt: new Date('2027-01-02T03:04:05Z'), onSale: true, perUserLimit: 10, version: 2 }]);
    expect(JSON.parse((await views.restEvents()).toString())[0].name).toBe('Gala (moved)');
    expect(JSON.parse((await views.restEvent('ev'))!.toString()).name).toBe('Gala (moved)');
  });
});
