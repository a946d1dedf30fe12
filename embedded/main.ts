import { parseArgs } from 'node:util';
import { createLogger, runService } from '@booking/service-kit';
import { loadEmbeddedConfig } from './config.ts';
import { createEmbeddedSystem } from './system.ts';

/**
 * `npm start`: the whole system in one process with nothing installed.
 * `npm start -- --in-memory` keeps nothing on disk.
 */
await runService('booking', async () => {
  const { values } = parseArgs({ options: { 'in-memory': { type: 'boolean', default: false } } });
  const config = loadEmbeddedConfig();
  const log = createLogger('booking', config.LOG_LEVEL);
  const system = createEmbeddedSystem({ ...config, IN_MEMORY: config.IN_MEMORY || values['in-memory'] }, log);
  const t0 = performance.now();
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
