import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TOPIC_PARTITIONS, topicNames } from '@booking/contracts';
import { createMemoryBus, pgliteSql, type Logger, type Service } from '@booking/service-kit';
import { createGateway } from '../gateway/src/gateway.ts';
import { createBookingsApi } from '../subgraphs/bookings/src/api/app.ts';
import { createSeatCatalog } from '../subgraphs/bookings/src/api/catalog.ts';
import { createMemoryPendingStore } from '../subgraphs/bookings/src/api/pending.ts';
import { createBatchingPublisher } from '../subgraphs/bookings/src/api/publisher.ts';
import { createBookingReader, createDbSeatSource } from '../subgraphs/bookings/src/api/reader.ts';
import { createPgliteDb } from '../subgraphs/bookings/src/db.ts';
import { pgliteConnection } from '../subgraphs/bookings/src/relay/pglite-connection.ts';
import { createOutboxRelay } from '../subgraphs/bookings/src/relay/relay.ts';
import { createPrismaLedger } from '../subgraphs/bookings/src/worker/ledger.ts';
import { createMemoryLockService } from '../subgraphs/bookings/src/worker/memory-lock.ts';
import { createBookingWorker } from '../subgraphs/bookings/src/worker/worker.ts';
import { createEventsApi } from '../subgraphs/events/src/api/app.ts';
import { createMemoryReadStore } from '../subgraphs/events/src/memory-store.ts';
import { createProjector } from '../subgraphs/events/src/projector/projector.ts';
import { createSqlTruthSource } from '../subgraphs/events/src/reconcile/sql-source.ts';
import { reconcile } from '../subgraphs/events/src/reconcile/reconcile.ts';
import type { EmbeddedConfig } from './config.ts';
import { openDatabase } from './database.ts';

/**
 * The whole system in one process: the same gateway, subgraph servers,
 * worker, relay and projector as in stack mode, over PGlite (PostgreSQL in
 * WebAssembly, same migrations) and the in-process bus, lock and read store.
 */
export function createEmbeddedSystem(config: EmbeddedConfig, log: Logger): Service & { url(): string } {
  const dataDir = config.IN_MEMORY ? null : resolve(config.DATA_DIR);
  const topics = topicNames('');
  const started: Service[] = [];
  let gatewayPort = config.PORT;
  const roleLog = (role: string) => log.child({ role });

  return {
    url: () => `http://localhost:${gatewayPort}`,
    async start() {
      if (dataDir) await mkdir(dataDir, { recursive: true });
      const pglite = await openDatabase(dataDir ? join(dataDir, 'postgres') : null, config.SEED, log);
      started.push({ start: async () => undefined, stop: () => pglite.close() });
      const sql = pgliteSql(pglite);
      const db = createPgliteDb(pglite);

      const bus = createMemoryBus({ partitions: TOPIC_PARTITIONS, dir: dataDir ? join(dataDir, 'bus') : undefined, log: roleLog('bus') });
      await bus.connect();
      started.push({ start: async () => undefined, stop: () => bus.close() });

      // The read model lives in memory: rebuilt from PostgreSQL, then kept current by the projector.
      const store = createMemoryReadStore();
      const rebuilt = await reconcile(createSqlTruthSource(sql), store);
      log.info({ events: rebuilt.events, seats: rebuilt.seats }, 'read model built');

      const publisher = createBatchingPublisher(bus, topics.bookingRequests);
      const roles: Service[] = [
        createProjector({ bus, group: 'events-projector', store, topic: topics.seatStatus, deadLetterTopic: topics.seatStatusDeadLetter, log: roleLog('projector') }),
        createBookingWorker({
          bus,
          group: 'booking-worker',
          ledger: createPrismaLedger(db, topics),
          locks: createMemoryLockService(),
          topics,
          log: roleLog('worker'),
          batchSize: 500,
          lockTtlMs: 10_000,
          lockPrefix: '',
        }),
        createOutboxRelay({ connect: async () => pgliteConnection(pglite), bus, log: roleLog('relay'), batchSize: 1000 }),
        createBookingsApi({
          log: roleLog('bookings'),
          port: config.BOOKINGS_PORT,
          host: '127.0.0.1',
          catalog: createSeatCatalog(createDbSeatSource(db)),
          publisher,
          pending: createMemoryPendingStore(),
          bookings: createBookingReader(db),
          readiness: async () => ({ bus: bus.connected() }),
          close: () => publisher.flush(),
        }),
      ];
      for (const role of roles) {
        await role.start();
        started.push(role);
      }
      const bookingsPort = (roles[3] as ReturnType<typeof createBookingsApi>).port();
      const events = createEventsApi({ store, log: roleLog('events'), port: config.EVENTS_PORT, host: '127.0.0.1', close: async () => undefined });
      await events.start();
      started.push(events);
      const gateway = createGateway(
        {
          ...config,
          KAFKA_TOPIC_PREFIX: '',
          BOOKINGS_URL: `http://127.0.0.1:${bookingsPort}/graphql`,
          EVENTS_URL: `http://127.0.0.1:${events.port()}/graphql`,
        },
        roleLog('gateway'),
        bus,
      );
      await gateway.start();
      started.push(gateway);
      gatewayPort = gateway.port();
    },
    async stop() {
      // Reverse order: stop taking requests first, close storage last.
      for (const service of started.splice(0).reverse()) {
        await service.stop().catch((error: unknown) => log.error({ err: error }, 'stop failed'));
      }
    },
  };
}
