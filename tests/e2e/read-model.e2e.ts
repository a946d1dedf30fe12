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
