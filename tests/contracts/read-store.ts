import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeatStatusMessage } from '@booking/contracts';
import type { ReadStore, SeatDoc } from '../../subgraphs/events/src/read-model.ts';
import { reconcile, type TruthSource } from '../../subgraphs/events/src/reconcile/reconcile.ts';

const seat = (seatId: string, order: number, version = 1, status: SeatDoc['status'] = 'AVAILABLE'): SeatDoc => ({
  eventId: 'ev',
  seatId,
  section: 'S',
  row: seatId.slice(0, 1),
  order,
  status,
  version,
  bookingId: null,
  userId: null,
});
const change = (seatId: string, version: number, status: SeatStatusMessage['status'] = 'BOOKED'): SeatStatusMessage => ({
  eventId: 'ev',
  seatId,
  section: 'S',
  row: seatId.slice(0, 1),
  position: Number(seatId.slice(1)),
  status,
  version,
  bookingId: null,
  userId: 'u',
  changedAt: new Date().toISOString(),
});

/**
 * What the events subgraph, the projector and the reconciler rely on from a
 * read store, checked against each implementation. The cases run in order
 * on one store.
 */
export function readStoreContract(name: string, open: () => Promise<{ store: ReadStore; close(): Promise<void> }>) {
  describe(`read store contract: ${name}`, () => {
    let store: ReadStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(async () => {
      await close?.();
    });
    const truth: SeatDoc[] = [seat('A0', 0), seat('A1', 1), seat('B2', 2), seat('B3', 3)];
    const source: TruthSource = {
      events: async () => [{ _id: 'ev', name: 'Event', venue: 'Hall', startsAt: new Date('2027-01-01T00:00:00Z'), onSale: true, perUserLimit: 6, version: 1 }],
      seats: async () => truth,
    };

    it('is built by the reconciler, which reports what it wrote and then finds nothing to fix', async () => {
      expect(await reconcile(source, store)).toMatchObject({ events: 1, seats: 4, seatsRepaired: 4, passes: 2 });
      expect(await reconcile(source, store)).toMatchObject({ seatsRepaired: 0, passes: 1 });
      expect((await store.seats('ev')).map((s) => s.seatId)).toEqual(['A0', 'A1', 'B2', 'B3']);
      expect(await store.availability('ev')).toEqual({ total: 4, available: 4, held: 0, booked: 0 });
    });

    it('keeps the newest version of an event, so a replayed change never moves it back', async () => {
      const base = (await store.getEvents(['ev2'])).get('ev2');
      expect(base).toBeUndefined();
      const v = (version: number, name: string) => ({ _id: 'ev2', name, venue: 'Hall', startsAt: new Date('2027-02-01T00:00:00Z'), onSale: version < 2, perUserLimit: 6, version });
      expect(await store.upsertEvents([v(1, 'First')])).toBe(1);
      expect(await store.upsertEvents([v(2, 'Second')])).toBe(1);
      await store.upsertEvents([v(1, 'First')]);
      expect((await store.getEvents(['ev2'])).get('ev2')).toMatchObject({ name: 'Second', onSale: false, version: 2 });
    });

    it('applies newer versions only, so replays and reordering never move a seat back', async () => {
      expect(await store.applySeatChanges([change('A1', 3), change('A1', 2, 'AVAILABLE')])).toBe(1);
      expect(await store.applySeatChanges([change('A1', 2, 'AVAILABLE')])).toBe(0);
      expect(await store.applySeatChanges([change('A1', 3)])).toBe(0);
      const a1 = (await store.seats('ev')).find((s) => s.seatId === 'A1');
      expect(a1).toMatchObject({ status: 'BOOKED', version: 3, userId: 'u' });
      expect(await store.availability('ev')).toEqual({ total: 4, available: 3, held: 0, booked: 1 });
      expect((await store.seats('ev', 'BOOKED')).map((s) => s.seatId)).toEqual(['A1']);
    });

    it('lets the reconciler repair a drifted seat but not undo a newer projected change', async () => {
      truth[2] = seat('B2', 2, 2, 'BOOKED'); // PostgreSQL moved on; the read model missed it
      const report = await reconcile(source, store);
      expect(report.seatsRepaired).toBe(1); // B2 repaired; A1 (version 3 > truth's 1) left alone
      const seats = await store.seats('ev');
      expect(seats.find((s) => s.seatId === 'B2')).toMatchObject({ status: 'BOOKED', version: 2 });
      expect(seats.find((s) => s.seatId === 'A1')).toMatchObject({ status: 'BOOKED', version: 3 });
    });
  });
}
