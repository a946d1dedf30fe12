import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '@electric-sql/pglite';
import { createLogger, pgliteSql } from '@booking/service-kit';
import { Prisma } from '../subgraphs/bookings/src/generated/prisma/client.ts';
import { createPgliteDb, type Db } from '../subgraphs/bookings/src/db.ts';
import { openDatabaseThread, type Database } from './database-client.ts';

let database: Database;
let db: Db;
const lost: Error[] = [];

beforeAll(async () => {
  database = await openDatabaseThread({ dataDir: null, seed: true, logLevel: 'warn' }, createLogger('test', 'warn'), (error) => lost.push(error));
  db = createPgliteDb(database);
}, 60_000);
afterAll(async () => {
  await db?.$disconnect();
  await database?.close();
  // Closing is not losing the thread.
  expect(lost).toEqual([]);
});

const booking = (id: string, seatIds: string[]) => ({
  id,
  eventId: 'concert123',
  userId: 'u1',
  seatIds,
  status: 'CONFIRMED' as const,
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
});

describe('the embedded database in its own thread', () => {
  it('answers Prisma with the same values as PGlite in process: booleans, numbers, timestamps, text arrays', async () => {
    const event = await db.event.findUniqueOrThrow({ where: { id: 'concert123' } });
    expect(event).toMatchObject({ onSale: true, perUserLimit: 6, version: 1, startsAt: new Date('2027-07-01T19:00:00.000Z') });
    const id = randomUUID();
    await db.booking.create({ data: booking(id, ['A1', 'A2']) });
    expect(await db.booking.findUniqueOrThrow({ where: { id } })).toMatchObject({ seatIds: ['A1', 'A2'], createdAt: new Date('2026-01-02T03:04:05.678Z'), reason: null });
    const raw = await db.$queryRaw<{ on_sale: boolean; n: bigint }[]>`SELECT on_sale, count(*) OVER () AS n FROM events WHERE id = ${'concert123'}`;
    expect(raw).toEqual([{ on_sale: true, n: 1n }]);
  });

  it('raises PostgreSQL errors as PGlite does, so Prisma names them', async () => {
    const id = randomUUID();
    await db.booking.create({ data: booking(id, ['A3']) });
    const duplicate = await db.booking.create({ data: booking(id, ['A3']) }).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((duplicate as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
    const direct = await database.query('SELECT * FROM no_such_table').catch((error: unknown) => error);
    expect(direct).toBeInstanceOf(messages.DatabaseError);
    expect(direct).toMatchObject({ code: '42P01' });
  });

  it('commits a transaction as a whole, rolls back one that fails, and keeps other statements out until it ends', async () => {
    const sql = pgliteSql(database);
    const kept = randomUUID();
    const dropped = randomUUID();
    await db.$transaction([db.booking.create({ data: booking(kept, ['x']) })]);
    await expect(
      db.$transaction(async (tx) => {
        await tx.booking.create({ data: booking(dropped, ['y']) });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const ids = (await sql.query<{ id: string }>('SELECT id FROM bookings WHERE id = ANY($1::uuid[])', [[kept, dropped]])).rows.map((r) => r.id);
    expect(ids).toEqual([kept]);

    const order: string[] = [];
    const inside = database.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push('transaction');
    });
    const outside = database.query('SELECT 1').then(() => order.push('outside'));
    await Promise.all([inside, outside]);
    expect(order).toEqual(['transaction', 'outside']);
  });

  it('delivers NOTIFY to listeners until they stop listening', async () => {
    const heard: string[] = [];
    const stop = await database.listen('outbox_test', (payload) => heard.push(payload));
    await database.query(`SELECT pg_notify('outbox_test', 'one')`);
    await expect.poll(() => heard).toEqual(['one']);
    await stop();
    await database.query(`SELECT pg_notify('outbox_test', 'two')`);
    await database.query('SELECT 1');
    expect(heard).toEqual(['one']);
  });
});
