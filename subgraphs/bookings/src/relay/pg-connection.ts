import pg from 'pg';
import { pgSql } from '@booking/service-kit';
import type { OutboxConnection } from './relay.ts';

/** A dedicated PostgreSQL session for the relay (LISTEN needs one that stays open). */
export async function connectPg(databaseUrl: string): Promise<OutboxConnection> {
  const client = new pg.Client({ connectionString: databaseUrl });
  let lost: ((error: Error) => void) | null = null;
  client.on('error', (error) => lost?.(error));
  await client.connect();
  return {
    sql: pgSql(client),
    async listen(onNotify) {
      client.on('notification', (n) => n.channel === 'outbox' && onNotify());
      await client.query('LISTEN outbox');
    },
    onLost: (fn) => (lost = fn),
    end: () => client.end(),
  };
}
