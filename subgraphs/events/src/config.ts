import { common, env, jwt, jwtProblems, kafka, loadConfig, z } from '@booking/config';

const mongo = { MONGO_URL: env.url(['mongodb']), MONGO_DB: env.name('booking').pipe(z.string().min(1)) };

export const loadEventsApiConfig = (e?: Record<string, string | undefined>) =>
  loadConfig('events-api', { ...common, ...mongo, ...kafka, ...jwt, PORT: env.port(4002) }, e, jwtProblems);

export const loadProjectorConfig = (e?: Record<string, string | undefined>) =>
  loadConfig('projector', { ...common, ...mongo, ...kafka, HEALTH_PORT: env.port(4013) }, e);

export const loadReconcileConfig = (e?: Record<string, string | undefined>) =>
  loadConfig('reconcile', { ...common, ...mongo, DATABASE_URL: env.url(['postgres', 'postgresql']) }, e);
