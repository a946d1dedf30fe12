import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { freePort, LOAD_TEST_LIMITS, ROOT } from './stack.ts';
import { trackStop } from './cleanup.ts';
import { GiveUp, waitFor } from './wait.ts';

export interface Embedded {
  /** The gateway: pages, REST, GraphQL and subscriptions. */
  url: string;
  graphqlUrl: string;
  /** The process's id, for CPU accounting. */
  pid: number;
  /** Stops with SIGTERM and returns the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the system in embedded mode (one process, nothing installed) the way
 * `npm start` does, on free ports, fully in memory unless a data directory is
 * given; resolves once the gateway is ready.
 */
export async function startEmbedded(name: string, opts: { dataDir?: string; env?: Record<string, string> } = {}): Promise<Embedded> {
  const id = `${name.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const logDir = `${ROOT}.artifacts/e2e/${id}`;
  mkdirSync(logDir, { recursive: true });
  const [port, bookings, events] = await Promise.all([freePort(), freePort(), freePort()]);
  const out = createWriteStream(`${logDir}/embedded.log`, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', 'embedded/main.ts', ...(opts.dataDir ? [] : ['--in-memory'])], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.STACK_LOG_LEVEL ?? 'info',
      PORT: String(port),
      BOOKINGS_PORT: String(bookings),
      EVENTS_PORT: String(events),
      ...(opts.dataDir ? { DATA_DIR: opts.dataDir } : {}),
      ...LOAD_TEST_LIMITS,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exited = code))));
  const stop = async () => {
    untrack();
    if (exited === undefined) child.kill('SIGTERM');
    return exit;
  };
  const untrack = trackStop(stop);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited !== undefined) throw new GiveUp(`embedded mode exited with ${exited} before it was ready; see ${logDir}/embedded.log`);
        const res = await fetch(`${url}/readyz`).catch(() => null);
        return res?.ok;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `embedded mode to be ready (log: ${logDir}/embedded.log)` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    pid: child.pid!,
    stop,
  };
}
