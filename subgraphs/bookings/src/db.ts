import type { PGlite } from '@electric-sql/pglite';
import type { PgliteSession } from '@booking/service-kit';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client.ts';

export type Db = PrismaClient;

export function createDb(connectionString: string, poolSize: number): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: poolSize }) });
}

/** The same client over PGlite (embedded mode): one in-process PostgreSQL session. */
export function createPgliteDb(pglite: PgliteSession): Db {
  // The adapter types its client as PGlite but calls only query, exec and transaction.
  return new PrismaClient({ adapter: new PrismaPGlite(pglite as PGlite) });
}
