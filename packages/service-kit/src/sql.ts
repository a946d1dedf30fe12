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

/**
 * What the system uses of a PGlite session: PGlite itself, or embedded
 * mode's client of a PGlite running in its own thread.
 */
export type PgliteSession = Pick<PGlite, 'query' | 'exec' | 'transaction' | 'listen'>;

export function pgliteSql(db: PgliteSession): Sql {
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
