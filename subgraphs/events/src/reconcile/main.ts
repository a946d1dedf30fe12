import { MongoClient } from 'mongodb';
import pg from 'pg';
import { ConfigError } from '@booking/config';
import { createLogger, pgSql } from '@booking/service-kit';
import { loadReconcileConfig } from '../config.ts';
import { createMongoReadStore, createSqlTruthSource, reconcile } from '../index.ts';

/** One-shot: `npm run reconcile` repairs the read model and prints what it fixed. */
try {
  const config = loadReconcileConfig();
  const log = createLogger('reconcile', config.LOG_LEVEL);
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
  const mongo = await new MongoClient(config.MONGO_URL).connect();
  try {
    const store = createMongoReadStore(mongo.db(config.MONGO_DB));
    await store.init();
    const report = await reconcile(createSqlTruthSource(pgSql(pool)), store);
    log.info(report, 'read model reconciled');
  } finally {
    await pool.end();
    await mongo.close();
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
