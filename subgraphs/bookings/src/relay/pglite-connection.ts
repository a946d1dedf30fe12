import { pgliteSql, type PgliteSession } from '@booking/service-kit';
import type { OutboxConnection } from './relay.ts';

/** The relay's session in embedded mode: PGlite delivers NOTIFY in process and never drops the connection. */
export function pgliteConnection(pglite: PgliteSession): OutboxConnection {
  let unlisten: (() => Promise<void>) | null = null;
  return {
    sql: pgliteSql(pglite),
    async listen(onNotify) {
      unlisten = await pglite.listen('outbox', onNotify);
    },
    onLost: () => undefined,
    end: async () => {
      await unlisten?.();
      unlisten = null;
    },
  };
}
