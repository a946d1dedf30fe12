import { common, env, jwt, jwtProblems, loadConfig, z } from '@booking/config';
import { gatewaySettings } from '../gateway/src/config.ts';

/** Embedded mode: every part in one process, nothing to install or start. */
export const loadEmbeddedConfig = (e?: Record<string, string | undefined>) =>
  loadConfig(
    'embedded',
    {
      ...common,
      ...jwt,
      ...gatewaySettings,
      /** Only this machine by default: outside production anyone can sign in as anyone (POST /auth/dev-token). */
      HOST: z.string().min(1).default('127.0.0.1'),
      PORT: env.port(4000),
      BOOKINGS_PORT: env.port(4001),
      EVENTS_PORT: env.port(4002),
      /** Where PostgreSQL (PGlite) and the bus keep their data between runs. */
      DATA_DIR: z.string().min(1).default('.data'),
      /** Keep nothing on disk; everything is gone when the process ends. */
      IN_MEMORY: env.bool(false),
      /** Load the demo events on first start. */
      SEED: env.bool(true),
    },
    e,
    jwtProblems,
  );
export type EmbeddedConfig = ReturnType<typeof loadEmbeddedConfig>;
