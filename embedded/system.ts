import { join } from 'node:path';
import { TOPIC_PARTITIONS, topicNames, type SeatStatusMessage } from '@booking/contracts';
import { corsOrigins, createAcceptedTokens, createHub, createMemoryBus, createMemoryRateLimiter, createVerifier, pgliteSql, type Logger, type Service } from '@booking/service-kit';
import { createGateway } from '../gateway/src/gateway.ts';
import {
  HOLD_DEFAULTS,
  WORKER_DEFAULTS,
  createBatchingPublisher,
  createBookingReader,
  createBookingWorker,
  createBookingsApi,
  createDbSeatSource,
  createMemoryLockService,
  createMemoryPendingStore,
  createOutboxRelay,
  createPgliteDb,
  createPrismaEventAdmin,
  createSqlLedger,
  createSeatCatalog,
  holdBounds,
  pgliteConnection,
} from '../subgraphs/bookings/src/index.ts';
import { createEventsApi, createMemoryReadStore, createProjector, createSqlTruthSource, reconcile } from '../subgraphs/events/src/index.ts';
import type { EmbeddedConfig } from './config.ts';
import type { Database } from './database-client.ts';

/** Requests the in-process worker decides per transaction. */
const EMBEDDED_WORKER_BATCH = 500;

/**
 * The whole system in one process: the same gateway, subgraph servers,
 * worker, relay and projector as in stack mode, over PGlite (PostgreSQL in
 * WebAssembly, same migrations, in a thread of its own) and the in-process
 * bus, lock and read store.
 */
export function createEmbeddedSystem(config: EmbeddedConfig & { dataDir: string | null }, database: Promise<Database>, log: Logger): Service & { url(): string } {
  const { dataDir } = config;
  const topics = topicNames('');
  /** What start() opened, to close in reverse order. */
  const stops: (() => Promise<void>)[] = [];
  let gatewayPort = config.PORT;
  const roleLog = (role: string) => log.child({ role });
  // One set of accepted tokens for the gateway and both subgraphs: a token is verified once per process.
  const acceptedTokens = createAcceptedTokens();
  const verifier = createVerifier(config, { accepted: acceptedTokens });
  const run = async <S extends Service>(service: S): Promise<S> => {
    await service.start();
    stops.push(() => service.stop());
    return service;
  };

  return {
    url: () => `http://localhost:${gatewayPort}`,
    async start() {
      const pglite = await database;
      stops.push(() => pglite.close());
      const sql = pgliteSql(pglite);
      const db = createPgliteDb(pglite);

      const bus = createMemoryBus({ partitions: TOPIC_PARTITIONS, dir: dataDir ? join(dataDir, 'bus') : undefined, log: roleLog('bus') });
      await bus.connect();
      stops.push(() => bus.close());

      // The read model lives in memory: rebuilt from PostgreSQL, then kept current by the projector.
      const store = createMemoryReadStore();
      const rebuilt = await reconcile(createSqlTruthSource(sql), store);
      log.info({ events: rebuilt.events, seats: rebuilt.seats }, 'read model built');

      // The projector writes the read model here, so it also tells the subscriptions, each change once the store shows it.
      const changes = createHub<SeatStatusMessage>();
      await run(createProjector({ bus, group: 'events-projector', store, topic: topics.seatStatus, eventTopic: topics.eventChanges, deadLetterTopic: topics.seatStatusDeadLetter, log: roleLog('projector'), changes }));
      await run(
        createBookingWorker({
          bus,
          group: 'booking-worker',
          ledger: createSqlLedger(sql, topics),
          locks: createMemoryLockService(),
          topics,
          log: roleLog('worker'),
          // A transaction holds PGlite's one session, which the API's reads share: smaller ones keep them waiting less.
          batchSize: EMBEDDED_WORKER_BATCH,
          lockTtlMs: WORKER_DEFAULTS.LOCK_TTL_MS,
          lockPrefix: '',
          sweepIntervalMs: WORKER_DEFAULTS.EXPIRY_SWEEP_MS,
        }),
      );
      await run(createOutboxRelay({ connect: async () => pgliteConnection(pglite), bus, log: roleLog('relay'), batchSize: WORKER_DEFAULTS.RELAY_BATCH_SIZE }));
      const publisher = createBatchingPublisher(bus, topics.bookingRequests);
      // One set of counters for every route that takes bookings.
      const rateLimiter = createMemoryRateLimiter(config, log);
      const bookings = await run(
        createBookingsApi({
          bus,
          topicPrefix: '',
          log: roleLog('bookings'),
          verifier,
          restActsForBodyUser: config.NODE_ENV !== 'production',
          rateLimiter,
          trustedProxies: config.TRUSTED_PROXIES,
          corsOrigins: corsOrigins(config),
          port: config.BOOKINGS_PORT,
          host: '127.0.0.1',
          catalog: createSeatCatalog(createDbSeatSource(db)),
          publisher,
          pending: createMemoryPendingStore(),
          bookings: createBookingReader(db),
          events: createPrismaEventAdmin(db, topics),
          holds: holdBounds(HOLD_DEFAULTS),
          readiness: async () => ({ bus: bus.connected() }),
          close: () => publisher.flush(),
        }),
      );
      const events = await run(
        createEventsApi({ store, readiness: () => ({ readModel: true }), changes, log: roleLog('events'), verifier, port: config.EVENTS_PORT, host: '127.0.0.1', corsOrigins: corsOrigins(config), close: async () => undefined }),
      );
      const gateway = await run(
        createGateway(
          {
            ...config,
            BOOKINGS_URL: `http://127.0.0.1:${bookings.port()}/graphql`,
            EVENTS_URL: `http://127.0.0.1:${events.port()}/graphql`,
          },
          roleLog('gateway'),
          rateLimiter,
          // REST as NGINX routes it in stack mode: the reads and bookings
          // answered by the events and bookings services' own routes, here
          // in process (no loopback HTTP call, no GraphQL execution per
          // request). GraphQL reaches the subgraphs without HTTP too.
          { routes: { ...events.restRoutes, ...bookings.restRoutes }, subgraphs: { bookings: bookings.graphql, events: events.graphql }, acceptedTokens },
        ),
      );
      gatewayPort = gateway.port();
    },
    async stop() {
      // Reverse order: stop taking requests first, close storage last.
      for (const stop of stops.splice(0).reverse()) {
        await stop().catch((error: unknown) => log.error({ err: error }, 'stop failed'));
      }
    },
  };
}
