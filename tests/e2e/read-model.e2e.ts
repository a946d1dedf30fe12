import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { serviceEnv } from '@booking/testkit';
import { createMongoReadStore } from '../../subgraphs/events/src/mongo-store.ts';
import { readStoreContract } from '../contracts/read-store.ts';

readStoreContract('MongoDB wire protocol (FerretDB)', async () => {
  const client = await new MongoClient(serviceEnv().mongoUrl, { serverSelectionTimeoutMS: 5000 }).connect();
  const db = client.db(`readmodel_${randomBytes(3).toString('hex')}`);
  const store = createMongoReadStore(db);
  await store.init();
  return {
    store,
    async close() {
      await db.dropDatabase();
      await client.close();
    },
  };
});
