import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type Bus, type BusRecord } from '@booking/service-kit';
import { pgliteConnection } from './pglite-connection.ts';
import { createOutboxRelay } from './relay.ts';

let pglite: PGlite;
beforeAll(async () => {
  pglite = await PGlite.create();
  // The outbox as prisma/migrations creates it.
  await pglite.exec(`CREATE TABLE outbox (
    id BIGSERIAL NOT NULL PRIMARY KEY,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    payload JSONB NOT NULL,
    created_at TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP)`);
}, 60_000);
afterAll(() => pglite?.close());

/** A bus that keeps what is published, in order (the relay's only use of it). */
function recordingBus(): Bus & { published: BusRecord[] } {
  const published: BusRecord[] = [];
  return {
    published,
    connect: async () => undefined,
    publish: async (records) => void published.push(...records),
    consume: () => Promise.reject(new Error('not used')),
    connected: () => true,
    close: async () => undefined,
  };
}

describe('outbox relay', () => {
  it('publishes rows in id order when the ids cross a power of ten, batch by batch, and deletes them', async () => {
    // 98..102: as text, "100" sorts before "98".
    await pglite.exec(`ALTER SEQUENCE outbox_id_seq RESTART WITH 98`);
    await pglite.query(`INSERT INTO outbox (topic, key, payload) SELECT 'seat-status', 'e1', jsonb_build_object('n', n) FROM generate_series(1, 5) AS n`);
    const bus = recordingBus();
    const relay = createOutboxRelay({ connect: async () => pgliteConnection(pglite), bus, log: createLogger('test', 'warn'), batchSize: 2 });
    await relay.start();
    await relay.stop();
    expect(bus.published.map((r) => JSON.parse(r.value) as { n: number }).map((p) => p.n)).toEqual([1, 2, 3, 4, 5]);
    expect((await pglite.query('SELECT count(*)::int AS n FROM outbox')).rows).toEqual([{ n: 0 }]);
  });
});
