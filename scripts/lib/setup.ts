import { MongoClient } from 'mongodb';
import pg from 'pg';
import { TOPIC_PARTITIONS, topicNames } from '@booking/contracts';
import { createKafka, ensureTopics, type Logger } from '@booking/service-kit';
import { migrate } from '../../prisma/migrate.ts';
import { seed } from '../../prisma/seed.ts';
import { createMongoReadStore } from '../../subgraphs/events/src/mongo-store.ts';
import { createPgTruthSource } from '../../subgraphs/events/src/reconcile/pg-source.ts';
import { reconcile } from '../../subgraphs/events/src/reconcile/reconcile.ts';

export interface SetupOptions {
  databaseUrl: string;
  kafkaBrokers: string[];
  topicPrefix: string;
  mongoUrl: string;
  mongoDb: string;
  log: Logger;
  /** Load the demo events (the seed step); off for an empty production database. */
  withSeed: boolean;
}

/** Migrations, topics, seed data and the read model built from PostgreSQL. */
export async function setup(opts: SetupOptions): Promise<void> {
  const { log } = opts;
  const applied = await migrate(opts.databaseUrl);
  log.info({ applied }, 'migrations applied');

  const topics = topicNames(opts.topicPrefix);
  await ensureTopics(
    createKafka('setup', opts.kafkaBrokers, log),
    [topics.bookingRequests, topics.seatStatus, topics.bookingStatus, topics.bookingRequestsDeadLetter, topics.seatStatusDeadLetter].map((topic) => ({
      topic,
      numPartitions: TOPIC_PARTITIONS,
    })),
  );
  log.info({ topics }, 'topics ready');

  if (opts.withSeed) log.info(await seed(opts.databaseUrl), 'seed loaded');

  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 2 });
  const mongo = await new MongoClient(opts.mongoUrl).connect();
  try {
    const store = createMongoReadStore(mongo.db(opts.mongoDb));
    await store.init();
    log.info(await reconcile(createPgTruthSource(pool), store), 'read model reconciled');
  } finally {
    await pool.end();
    await mongo.close();
  }
}
