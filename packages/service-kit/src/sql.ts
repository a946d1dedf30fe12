import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * The part of a PostgreSQL session that migrations, the seed, the reconciler
 * and the outbox relay use. A pg client or pool and PGlite both provide it.
 */
export interface Sql {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; count: number }>;
  /** Runs a script of several statements. */
  exec(text: string): Promise<void>;
}

/** The text of a statement written as a template literal: each `${value}` becomes `$1`, `$2`, ... in order. */
export const templateText = (strings: readonly string[]): string => strings.reduce((text, part, i) => `${text}$${i}${part}`);

/** A database that also runs transactions: each on one session, committed when the work resolves and rolled back when it throws. */
export interface TransactionalSql extends Sql {
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
}

export function pgSql(client: pg.Client | pg.Pool | pg.PoolClient): Sql {
  return {
    async query<T>(text: string, params?: unknown[]) {
      const r = await client.query(text, params);
      return { rows: r.rows as T[], count: r.rowCount ?? 0 };
    },
    async exec(text) {
      await client.query(text);
    },
  };
}

/** A pg pool; a transaction holds one of its connections from BEGIN to COMMIT or ROLLBACK. */
export function pgPoolSql(pool: pg.Pool): TransactionalSql {
  return {
    ...pgSql(pool),
    async transaction(work) {
      const client = await pool.connect();
      // A connection whose ROLLBACK failed is broken: released with the error, the pool closes it.
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(pgSql(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

/**
 * What the system uses of a PGlite session: PGlite itself, or embedded
 * mode's client of a PGlite running in its own thread.
 */
export type PgliteSession = Pick<PGlite, 'query' | 'exec' | 'transaction' | 'listen'>;

export function pgliteSql(db: PgliteSession): TransactionalSql {
  return {
    ...plainSql(db),
    transaction: (work) => db.transaction((tx) => work(plainSql(tx))),
  };
}

function plainSql(db: Pick<PGlite, 'query' | 'exec'>): Sql {
  return {
    async query<T>(text: string, params?: unknown[]) {
      const r = await db.query<T>(text, params);
      return { rows: r.rows, count: r.affectedRows ?? r.rows.length };
    },
    async exec(text) {
      await db.exec(text);
    },
  };
}
