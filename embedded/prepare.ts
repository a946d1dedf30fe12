import { createLogger } from '@booking/service-kit';
import { prepareTemplate } from './database.ts';

/**
 * Run by `npm install` (the root `prepare` script): creates the database that
 * embedded mode starts from, so the first `npm start` is as quick as the next.
 * A failure here only makes the first start slower, so it never fails the
 * install.
 */
const log = createLogger('prepare', 'info');
try {
  await prepareTemplate(log);
} catch (error) {
  log.warn({ err: error }, 'could not prepare the embedded database; the first npm start will create it');
}
