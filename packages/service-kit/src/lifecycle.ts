import { ConfigError } from '@booking/config';
import type { Logger } from './logger.ts';

export interface Service {
  start(): Promise<void>;
  /** Stop accepting work, finish or hand back in-flight work, close connections. */
  stop(): Promise<void>;
}

/**
 * Runs a service until SIGTERM or SIGINT, then stops it once. A stop that
 * takes longer than `stopTimeoutMs` ends the process with a non-zero code.
 */
export async function runService(name: string, build: () => Promise<{ service: Service; log: Logger }>, stopTimeoutMs = 15_000): Promise<void> {
  let built: { service: Service; log: Logger };
  try {
    built = await build();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`${name}: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
  const { service, log } = built;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      log.error({ stopTimeoutMs }, 'stop timed out');
      process.exit(1);
    }, stopTimeoutMs);
    timer.unref();
    try {
      await service.stop();
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'stop failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'unhandled rejection');
  });
  try {
    await service.start();
  } catch (error) {
    log.error({ err: error }, 'start failed');
    await service.stop().catch(() => undefined);
    process.exit(1);
  }
}
