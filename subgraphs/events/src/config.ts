import { background, common, cors, env, jwt, jwtProblems, kafka, loadConfig, z } from '@booking/config';

const mongo = { MONGO_URL: env.url(['mongodb']), MONGO_DB: env.name('booking').pipe(z.string().min(1)) };

export const loadEventsApiConfig = (e?: Record<string, string | undefined>) =>
  loadConfig(
    'events-api',
    {
      ...common,
      ...mongo,
      ...kafka,
      ...jwt,
      ...cors,
      PORT: env.port(4002),
      /** How often the event list is read again from MongoDB (new events), in ms. */
      READ_MODEL_REFRESH_MS: env.int(5_000, 100),
      /** How often every event's seats are merged again from MongoDB, in ms (a safety net; seat-status keeps them current). */
      READ_MODEL_RESYNC_MS: env.int(60_000, 1_000),
    },
    e,
    jwtProblems,
  );

export const loadProjectorConfig = (e?: Record<string, string | undefined>) =>
  loadConfig('projector', { ...common, ...background, ...mongo, ...kafka, HEALTH_PORT: env.port(4013) }, e);

export const loadReconcileConfig = (e?: Record<string, string | undefined>) =>
  loadConfig('reconcile', { ...common, ...mongo, DATABASE_URL: env.url(['postgres', 'postgresql']) }, e);
