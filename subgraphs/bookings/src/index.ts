/**
 * The bookings subgraph's parts as factories over adapters, composed by the
 * stack-mode mains and by embedded mode alike.
 */
export { createBookingsApi, bookingsTypeDefs, type BookingsApiDeps } from './api/app.ts';
export { createSeatCatalog } from './api/catalog.ts';
export { createMemoryPendingStore, createRedisPendingStore } from './api/pending.ts';
export { createBatchingPublisher } from './api/publisher.ts';
export { createPrismaEventAdmin } from './api/event-admin.ts';
export { createBookingReader, createDbSeatSource } from './api/reader.ts';
export { HOLD_DEFAULTS, WORKER_DEFAULTS, holdBounds } from './config.ts';
export { createDb, createPgliteDb } from './db.ts';
export { createOutboxRelay } from './relay/relay.ts';
export { connectPg } from './relay/pg-connection.ts';
export { pgliteConnection } from './relay/pglite-connection.ts';
export { createSqlLedger } from './worker/ledger.ts';
export { createRedlockService } from './worker/lock.ts';
export { createMemoryLockService } from './worker/memory-lock.ts';
export { createBookingWorker } from './worker/worker.ts';
