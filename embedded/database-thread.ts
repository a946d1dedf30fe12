/**
 * The embedded database's own thread: opens PGlite (see `openDatabase`) and
 * runs the statements `openDatabaseThread` (database-client.ts) sends it, so that
 * PostgreSQL's work (WebAssembly, synchronous while it runs) never holds up
 * the thread that answers requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { messages, type PGlite, type Transaction } from '@electric-sql/pglite';
import { createLogger } from '@booking/service-kit/logger';
import { openDatabase } from './database.ts';
import type { Reply, Request, ThreadStart } from './database-client.ts';

const port = parentPort!;
const start = workerData as ThreadStart;
const log = createLogger('booking', start.logLevel).child({ role: 'database' });

/** Values of the types the caller parses itself come back as PostgreSQL's text. */
const keepText = (text: string) => text;
const asText = new Map<string, Record<number, typeof keepText>>();
function textParsers(types: number[]) {
  const key = types.join(',');
  let parsers = asText.get(key);
  if (!parsers) asText.set(key, (parsers = Object.fromEntries(types.map((t) => [t, keepText]))));
  return parsers;
}

const send = (reply: Reply) => port.postMessage(reply);
/** An error as data: its message and PostgreSQL's fields (code, constraint, ...), not the query's options. */
const failure = (error: unknown) => ({
  message: (error as Error).message ?? String(error),
  database: error instanceof messages.DatabaseError,
  fields: Object.fromEntries(Object.entries(error as object).filter(([, v]) => typeof v === 'string' || typeof v === 'number')),
});

let pglite: PGlite;
try {
  pglite = await openDatabase(start.dataDir, start.seed, log);
} catch (error) {
  send({ kind: 'failed', error: failure(error) });
  throw error;
}

/** Transactions in progress, by the id the main thread knows them by. */
const transactions = new Map<number, { tx: Transaction; end(commit: boolean): void; done: Promise<void> }>();
let nextTransaction = 1;
const unlisten = new Map<string, () => Promise<void>>();

function begin(): Promise<number> {
  const id = nextTransaction++;
  return new Promise((started, failed) => {
    let end!: (commit: boolean) => void;
    const ended = new Promise<boolean>((resolve) => (end = resolve));
    const done = pglite
      .transaction(async (tx) => {
        transactions.set(id, { tx, end, done });
        started(id);
        if (!(await ended) && !tx.closed) await tx.rollback();
      })
      .finally(() => transactions.delete(id));
    // A BEGIN that fails never reaches the callback.
    done.catch(failed);
  });
}

async function handle(request: Request): Promise<unknown> {
  const session = request.tx === undefined ? pglite : transactions.get(request.tx)?.tx;
  if (!session) throw new Error(`transaction ${request.tx} is not open`);
  switch (request.op) {
    case 'query': {
      const r = await session.query(request.sql, request.params, { rowMode: request.rowMode, parsers: textParsers(request.textTypes) });
      return { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows };
    }
    case 'exec':
      return session.exec(request.sql);
    case 'begin':
      return begin();
    case 'end': {
      const open = transactions.get(request.tx!)!;
      open.end(request.commit);
      await open.done;
      return undefined;
    }
    case 'listen':
      // Once per channel: the main thread shares it between its callbacks.
      unlisten.set(request.channel, await pglite.listen(request.channel, (payload) => send({ kind: 'notify', channel: request.channel, payload })));
      return undefined;
    case 'unlisten':
      await unlisten.get(request.channel)?.();
      unlisten.delete(request.channel);
      return undefined;
    case 'close':
      await pglite.close();
      return undefined;
  }
}

port.on('message', (request: Request) => {
  handle(request)
    .then((value) => send({ kind: 'result', id: request.id, value }))
    // A failed statement, or a result that cannot be sent: the caller gets the error.
    .catch((error: unknown) => send({ kind: 'error', id: request.id, error: failure(error) }))
    // Closed: nothing is left for this thread to do.
    .finally(() => request.op === 'close' && port.close());
});
send({ kind: 'ready' });
