import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
// Only what starting the database thread needs is imported up front: the
// thread opens PostgreSQL while this one loads the rest of the system.
import { runService } from '@booking/service-kit/lifecycle';
import { createLogger } from '@booking/service-kit/logger';
import { loadEmbeddedConfig } from './config.ts';
import { openDatabaseThread } from './database-client.ts';

/**
 * `npm start`: the whole system in one process with nothing installed.
 * `npm start -- --in-memory` keeps nothing on disk.
 */
await runService('booking', async () => {
  const t0 = performance.now();
  const { values } = parseArgs({ options: { 'in-memory': { type: 'boolean', default: false } } });
  const config = loadEmbeddedConfig();
  const log = createLogger('booking', config.LOG_LEVEL);
  const dataDir = config.IN_MEMORY || values['in-memory'] ? null : resolve(config.DATA_DIR);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const database = openDatabaseThread({ dataDir: dataDir && join(dataDir, 'postgres'), seed: config.SEED, logLevel: config.LOG_LEVEL }, log, (error) => {
    // Nothing works without PostgreSQL: end as a crash would; what was accepted is on disk.
    log.fatal({ err: error }, 'database thread lost');
    process.exit(1);
  });
  // Awaited in start(); a failure to open is reported there.
  database.catch(() => undefined);
  const { createEmbeddedSystem } = await import('./system.ts');
  const system = createEmbeddedSystem({ ...config, dataDir }, database, log);
  return {
    log,
    service: {
      async start() {
        await system.start();
        log.info({ readyMs: Math.round(performance.now() - t0), seatMap: `${system.url()}/`, graphql: `${system.url()}/graphql` }, `ready: open ${system.url()}/ in your browser`);
      },
      stop: () => system.stop(),
    },
  };
});
