import { MongoClient } from 'mongodb';
import pg from 'pg';
import { TOPIC_PARTITIONS, topicNames } from '@booking/contracts';
import { createKafka, ensureTopics, pgSql, type Logger } from '@booking/service-kit';
import { migrate } from '../../prisma/migrate.ts';
import { seed } from '../../prisma/seed.ts';
import { createMongoReadStore } from '../../subgraphs/events/src/mongo-store.ts';
import { createSqlTruthSource } from '../../subgraphs/events/src/reconcile/sql-source.ts';
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
  const topics = topicNames(opts.topicPrefix);
  await ensureTopics(
    createKafka('setup', opts.kafkaBrokers, log),
    [topics.bookingRequests, topics.seatStatus, topics.bookingStatus, topics.eventChanges, topics.bookingRequestsDeadLetter, topics.seatStatusDeadLetter].map((topic) => ({
      topic,
      numPartitions: TOPIC_PARTITIONS,
    })),
  );
  log.info({ topics }, 'topics ready');

  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  const mongo = await new MongoClient(opts.mongoUrl).connect();
  try {
    const sql = pgSql(client);
    log.info({ applied: await migrate(sql) }, 'migrations applied');
    if (opts.withSeed) log.info(await seed(sql), 'seed loaded');
    const store = createMongoReadStore(mongo.db(opts.mongoDb));
    await store.init();
    log.info(await reconcile(createSqlTruthSource(sql), store), 'read model reconciled');
  } finally {
    await client.end();
    await mongo.close();
  }
}
