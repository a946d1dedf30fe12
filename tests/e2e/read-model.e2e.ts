import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { SeatStatusMessage } from '@booking/contracts';
import { serviceEnv } from '@booking/testkit';
import { createMongoReadStore } from '../../subgraphs/events/src/mongo-store.ts';
import { readStoreContract } from '../contracts/read-store.ts';

readStoreContract('MongoDB wire protocol (FerretDB)', async () => {
  const client = await new MongoClient(serviceEnv().mongoUrl, { serverSelectionTimeoutMS: 5000 }).connect();
  const db = client.db(`readmodel_${randomBytes(3).toString('hex')}`);
  const store = createMongoReadStore(db);
  await store.init();
  return {
    store,
    async close() {
      await db.dropDatabase();
      await client.close();
    },
  };
});

describe('MongoDB read store: the projector writes from the blocks it keeps', () => {
  const change = (seatId: string, position: number, version: number, status: SeatStatusMessage['status'] = 'BOOKED'): SeatStatusMessage => ({
    eventId: 'ev',
    seatId,
    section: 'S',
    row: '1',
    position,
    status,
    version,
    bookingId: null,
    userId: 'u',
    changedAt: new Date().toISOString(),
  });

  it('reads blocks stored with seat objects and writes them back in the compact form', async () => {
    const client = await new MongoClient(serviceEnv().mongoUrl, { serverSelectionTimeoutMS: 5000 }).connect();
    const db = client.db(`readmodel_${randomBytes(3).toString('hex')}`);
    try {
      const seat = (seatId: string, order: number) => ({ seatId, order, status: 'AVAILABLE', version: 1, bookingId: null, userId: null });
      await db.collection('seat_blocks.ev').insertOne({
        _id: 'ev|S|1' as never,
        eventId: 'ev',
        section: 'S',
        row: '1',
        order: 1,
        rev: 1,
        seats: [seat('S1', 1), seat('S2', 2)],
        counts: { AVAILABLE: 2, HELD: 0, BOOKED: 0 },
      });
      const store = createMongoReadStore(db);
      expect((await store.seats('ev')).map((s) => [s.seatId, s.section, s.row, s.status])).toEqual([
        ['S1', 'S', '1', 'AVAILABLE'],
        ['S2', 'S', '1', 'AVAILABLE'],
      ]);
      expect(await store.applySeatChanges([change('S2', 2, 2)])).toBe(1);
      const stored = await db.collection('seat_blocks.ev').findOne({ _id: 'ev|S|1' as never });
      expect(typeof stored?.seats).toBe('string');
      expect(stored?.counts).toEqual({ AVAILABLE: 1, HELD: 0, BOOKED: 1 });
      expect((await createMongoReadStore(db).seats('ev')).map((s) => [s.seatId, s.status, s.version, s.userId])).toEqual([
        ['S1', 'AVAILABLE', 1, null],
        ['S2', 'BOOKED', 2, 'u'],
      ]);
    } finally {
      await db.dropDatabase();
      await client.close();
    }
  });

  it('keeps a repair written meanwhile by another writer of the same block', async () => {
    const client = await new MongoClient(serviceEnv().mongoUrl, { serverSelectionTimeoutMS: 5000 }).connect();
    const db = client.db(`readmodel_${randomBytes(3).toString('hex')}`);
    try {
      const projector = createMongoReadStore(db);
      const reconciler = createMongoReadStore(db);
      expect(await projector.applySeatChanges([change('S1', 1, 2), change('S2', 2, 1, 'AVAILABLE'), change('S3', 3, 1, 'AVAILABLE')])).toBe(3);
      // The reconciler repairs S2 in the block the projector has in memory.
      const repaired = { eventId: 'ev', seatId: 'S2', section: 'S', row: '1', order: 2, status: 'HELD' as const, version: 4, bookingId: null, userId: null };
      expect(await reconciler.repairSeats([repaired])).toBe(1);
      expect(await projector.applySeatChanges([change('S3', 3, 2)])).toBe(1);
      const seats = await reconciler.seats('ev');
      expect(seats.map((s) => [s.seatId, s.status, s.version])).toEqual([
        ['S1', 'BOOKED', 2],
        ['S2', 'HELD', 4],
        ['S3', 'BOOKED', 2],
      ]);
      expect(await projector.applySeatChanges([change('S2', 2, 3)])).toBe(0); // older than the repair
    } finally {
      await db.dropDatabase();
      await client.close();
    }
  });
});
