import { messages, type ParserOptions, type PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';
import type { Logger, PgliteSession } from '@booking/service-kit';
import { templateText } from '@booking/service-kit/sql';
import { startTypeScriptThread } from '@booking/service-kit/thread';

/** What the database thread is started with. */
export interface ThreadStart {
  dataDir: string | null;
  seed: boolean;
  logLevel: string;
}

type Statement = { id: number; tx?: number };
export type Request = Statement &
  (
    | { op: 'query'; sql: string; params?: unknown[]; rowMode?: 'array' | 'object'; textTypes: number[] }
    | { op: 'exec'; sql: string }
    | { op: 'begin' }
    | { op: 'end'; commit: boolean }
    | { op: 'listen' | 'unlisten'; channel: string }
    | { op: 'close' }
  );
type Failure = { message: string; database: boolean; fields: Record<string, unknown> };
export type Reply =
  | { kind: 'ready' }
  | { kind: 'failed'; error: Failure }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: Failure }
  | { kind: 'notify'; channel: string; payload: string };

export type Database = PgliteSession & Pick<PGlite, 'close'>;

/** A PostgreSQL error rebuilt as the class PGlite throws, so that callers (Prisma's adapter) recognise it. */
function rebuild(failure: Failure): Error {
  if (!failure.database) return new Error(failure.message);
  const fields = failure.fields as { length?: number; name?: string };
  return Object.assign(new messages.DatabaseError(failure.message, fields.length ?? 0, (fields.name ?? 'error') as messages.MessageName), failure.fields);
}

/**
 * PGlite in its own thread (`database-thread.ts`): PostgreSQL in WebAssembly
 * runs each statement synchronously, so on the main thread every worker
 * transaction held up every request in flight. Statements go to the thread
 * in call order, where PGlite serialises them on its one session exactly as
 * before; a transaction keeps the session until it ends. Results come back
 * parsed by the thread, except the types the caller brings its own parsers
 * for, which come as text and are parsed here.
 */
export async function openDatabaseThread(start: ThreadStart, log: Logger, onLost: (error: Error) => void): Promise<Database> {
  const worker = startTypeScriptThread(new URL('./database-thread.ts', import.meta.url), { workerData: start });
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let nextId = 1;
  let closed = false;
  let closing = false;
  let ready!: (error?: Error) => void;
  const opened = new Promise<void>((resolve, reject) => (ready = (error) => (error ? reject(error) : resolve())));

  worker.on('message', (reply: Reply) => {
    switch (reply.kind) {
      case 'ready':
        return ready();
      case 'failed':
        return ready(rebuild(reply.error));
      case 'notify':
        for (const listener of listeners.get(reply.channel) ?? []) listener(reply.payload);
        return;
      default: {
        const call = waiting.get(reply.id);
        waiting.delete(reply.id);
        if (reply.kind === 'result') call?.resolve(reply.value);
        else call?.reject(rebuild(reply.error));
      }
    }
  });
  let wasOpen = false;
  const lost = (error: Error) => {
    if (wasOpen && !closing) onLost(error);
    ready(error);
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  };
  worker.on('error', (error) => {
    log.error({ err: error }, 'database thread failed');
    lost(error);
  });
  worker.on('exit', (code) => {
    closed = true;
    lost(new Error(`database thread exited (${code})`));
  });
  await opened;
  wasOpen = true;

  type Op = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;
  const call = <T>(request: Op): Promise<T> => {
    if (closed) return Promise.reject(new Error('database closed'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  };

  /** The type ids a caller's parsers cover, computed once per parsers object. */
  const covered = new WeakMap<ParserOptions, number[]>();
  async function query<T>(sql: string, params: unknown[] | undefined, options: QueryOptions | undefined, tx?: number): Promise<Results<T>> {
    const parsers = options?.parsers;
    let textTypes = parsers ? covered.get(parsers) : [];
    if (!textTypes) covered.set(parsers!, (textTypes = Object.keys(parsers!).map(Number)));
    const r = await call<Results<unknown[] | Record<string, unknown>>>({ op: 'query', sql, params, rowMode: options?.rowMode, textTypes, tx });
    if (textTypes.length === 0) return r as Results<T>;
    // The thread parsed every other type as PGlite does; these are the caller's.
    const parse = r.fields.map((f) => parsers![f.dataTypeID]);
    if (!parse.some(Boolean)) return r as Results<T>;
    const value = (v: unknown, i: number) => (v === null || !parse[i] ? v : parse[i]!(v as string));
    const rows = r.rows.map((row) => (Array.isArray(row) ? row.map(value) : Object.fromEntries(r.fields.map((f, i) => [f.name, value(row[f.name], i)]))));
    return { ...r, rows } as Results<T>;
  }

  /** LISTEN is the session's, inside a transaction or not: one per channel, shared by its callbacks. */
  async function listen(channel: string, callback: (payload: string) => void) {
    let set = listeners.get(channel);
    if (!set) {
      listeners.set(channel, (set = new Set()));
      await call({ op: 'listen', channel });
    }
    set.add(callback);
    return async () => {
      set.delete(callback);
      if (set.size === 0 && listeners.get(channel) === set) {
        listeners.delete(channel);
        await call({ op: 'unlisten', channel });
      }
    };
  }

  const database: Database = {
    query: (sql, params, options) => query(sql, params, options),
    exec: (sql) => call({ op: 'exec', sql }),
    listen,
    async transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
      const id = await call<number>({ op: 'begin' });
      let open = true;
      const end = (commit: boolean) => {
        open = false;
        return call({ op: 'end', commit, tx: id });
      };
      const tx: Transaction = {
        query: (sql, params, options) => query(sql, params, options, id),
        sql: (strings, ...params) => query(templateText(strings), params, undefined, id),
        exec: (sql) => call({ op: 'exec', sql, tx: id }),
        listen,
        rollback: async () => {
          if (open) await end(false);
        },
        get closed() {
          return !open;
        },
      };
      try {
        const result = await callback(tx);
        if (open) await end(true);
        return result;
      } catch (error) {
        if (open) await end(false).catch(() => undefined);
        throw error;
      }
    },
    async close() {
      if (closed) return;
      closing = true;
      await call({ op: 'close' });
      await worker.terminate();
    },
  };
  return database;
}
