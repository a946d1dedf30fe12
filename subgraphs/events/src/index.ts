/**
 * The events subgraph's parts as factories over adapters, composed by the
 * stack-mode mains and by embedded mode alike.
 */
export { createEventsApi, eventsTypeDefs, type EventsApiDeps } from './api/app.ts';
export { createProjector } from './projector/projector.ts';
export { createMemoryReadStore } from './memory-store.ts';
export { createMongoReadStore } from './mongo-store.ts';
export { reconcile } from './reconcile/reconcile.ts';
export { createSqlTruthSource } from './reconcile/sql-source.ts';
export type { ReadStore } from './read-model.ts';
