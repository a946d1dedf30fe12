import type { Bus, Logger, Service, Sql } from '@booking/service-kit';

/** One database session that can wait for NOTIFY. */
export interface OutboxConnection {
  sql: Sql;
  /** Calls `onNotify` on every NOTIFY on channel `outbox`. */
  listen(onNotify: () => void): Promise<void>;
  /** Calls `onLost` once if the session breaks. */
  onLost(onLost: (error: Error) => void): void;
  end(): Promise<void>;
}

export interface OutboxRelayDeps {
  connect: () => Promise<OutboxConnection>;
  /** Must be connected; its owner closes it. */
  bus: Bus;
  log: Logger;
  batchSize: number;
  /** Delay before retrying after a lost connection or a failed publish. */
  retryMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  payload: unknown;
}

// One relay publishes at a time, so rows leave in commit order; others wait.
const LEADER_LOCK = 'SELECT pg_try_advisory_lock(hashtext($1)) AS leader';

/**
 * Publishes outbox rows to the bus in id order and deletes them once the broker
 * acknowledged. Woken by NOTIFY from the committing transaction, and drains
 * once on every (re)connect, so nothing waits on a timer.
 */
export function createOutboxRelay({ connect: open, bus, log, batchSize, retryMs = 1_000 }: OutboxRelayDeps): Service & {
  /** reachable: the last attempt to reach PostgreSQL succeeded (as publisher or standby). */
  status(): { reachable: boolean; leader: boolean };
} {
  let client: OutboxConnection | null = null;
  let leader = false;
  let reachable = false;
  let stopped = false;
  let draining: Promise<void> | null = null;
  let again = false;
  let retry: NodeJS.Timeout | null = null;

  async function drainOnce({ sql }: OutboxConnection): Promise<number> {
    // outbox.id, the column: a bare `id` would name the text alias, and "100" sorts before "99".
    const { rows } = await sql.query<OutboxRow>('SELECT id::text AS id, topic, key, payload FROM outbox ORDER BY outbox.id LIMIT $1', [batchSize]);
    if (rows.length === 0) return 0;
    await bus.publish(rows.map((row) => ({ topic: row.topic, key: row.key, value: JSON.stringify(row.payload) })));
    await sql.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
    return rows.length;
  }

  function drain(): Promise<void> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      try {
        do {
          again = false;
          while (client && leader && !stopped) {
            const n = await drainOnce(client);
            if (n > 0) log.debug({ published: n }, 'outbox published');
            if (n < batchSize) break;
          }
        } while (again && !stopped);
      } catch (error) {
        reachable = false;
        log.error({ err: error }, 'outbox publish failed; retrying');
        scheduleReconnect();
      } finally {
        draining = null;
      }
    })();
    return draining;
  }

  function scheduleReconnect() {
    if (stopped || retry) return;
    const old = client;
    client = null;
    leader = false;
    void old?.end().catch(() => undefined);
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, retryMs);
  }

  async function connect(): Promise<void> {
    let c: OutboxConnection | null = null;
    try {
      const opened = (c = await open());
      opened.onLost((err) => {
        reachable = false;
        log.warn({ err }, 'outbox connection lost');
        if (client === opened) scheduleReconnect();
      });
      const { rows } = await opened.sql.query<{ leader: boolean }>(LEADER_LOCK, ['outbox-relay']);
      reachable = true;
      if (!rows[0]?.leader) {
        log.info('another relay is publishing; standing by');
        await opened.end();
        if (!stopped) retry = setTimeout(() => ((retry = null), void connect()), retryMs * 2);
        return;
      }
      await opened.listen(() => void drain());
      client = opened;
      leader = true;
      log.info('outbox relay is the publisher');
      await drain();
    } catch (error) {
      reachable = false;
      log.warn({ err: error }, 'outbox relay could not connect');
      await c?.end().catch(() => undefined);
      if (client === null) scheduleReconnect();
    }
  }

  return {
    status: () => ({ reachable, leader }),
    async start() {
      await connect();
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await draining;
      await client?.end().catch(() => undefined);
    },
  };
}
