import { createLogger, runService } from '@booking/service-kit';
import { loadGatewayConfig } from './config.ts';
import { createGateway } from './gateway.ts';

await runService('gateway', async () => {
  const config = loadGatewayConfig();
  const log = createLogger('gateway', config.LOG_LEVEL);
  return { log, service: createGateway(config, log) };
});
