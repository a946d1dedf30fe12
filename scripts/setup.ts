import { ConfigError, common, env, kafka, loadConfig } from '@booking/config';
import { createLogger } from '@booking/service-kit';
import { setup } from './lib/setup.ts';

/** `npm run setup`: migrate, create topics, seed and build the read model. Idempotent. */
try {
  const config = loadConfig('setup', {
    ...common,
    ...kafka,
    DATABASE_URL: env.url(['postgres', 'postgresql']),
    MONGO_URL: env.url(['mongodb']),
    MONGO_DB: env.name('booking'),
    SEED: env.bool(true),
  });
  await setup({
    databaseUrl: config.DATABASE_URL,
    kafkaBrokers: config.KAFKA_BROKERS,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    mongoUrl: config.MONGO_URL,
    mongoDb: config.MONGO_DB,
    withSeed: config.SEED,
    log: createLogger('setup', config.LOG_LEVEL),
  });
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
