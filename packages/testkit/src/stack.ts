import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Db as MongoDb } from 'mongodb';
import pg from 'pg';
import { pino } from 'pino';
import { createKafka, type Logger } from '@booking/service-kit';
import { createDatabase, dropDatabase } from '../../../prisma/migrate.ts';
import { setup } from '../../../scripts/lib/setup.ts';
import { trackStop } from './cleanup.ts';
import { GiveUp, waitFor } from './wait.ts';

/** The repository's root directory. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

/** Where the real services listen; the defaults are those of scripts/services/up.sh. */
export function serviceEnv() {
  const e = process.env;
  return {
    databaseUrl: e.DATABASE_URL ?? 'postgresql://booking:booking@127.0.0.1:55432/booking',
    redisUrl: e.REDIS_URL ?? 'redis://127.0.0.1:56379',
    kafkaBrokers: e.KAFKA_BROKERS ?? '127.0.0.1:59092',
    mongoUrl: e.MONGO_URL ?? 'mongodb://127.0.0.1:57017',
  };
}

/**
 * Abuse limits raised for load: tests and benchmarks send thousands of
 * bookings and open thousands of sockets from one address. A test of the
 * limits themselves passes its own values in extraEnv.
 */
export const LOAD_TEST_LIMITS = {
  RATE_LIMIT_BOOKINGS_PER_USER: '1000000000',
  RATE_LIMIT_BOOKINGS_PER_IP: '1000000000',
  SOCKETS_PER_CLIENT: '1000000',
  SUBSCRIPTIONS_PER_SOCKET: '10000',
};

/**
 * App processes still running, ended when this process exits however it
 * exits: they run in sessions of their own, so nothing else would end them.
 */
const orphans = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of orphans) child.kill('SIGTERM');
});

export type Role = 'bookings' | 'events' | 'gateway' | 'worker' | 'relay' | 'projector';

/** Entry point of each long-running app process. */
export const ENTRY: Record<Role, string> = {
  bookings: 'subgraphs/bookings/src/api/main.ts',
  worker: 'subgraphs/bookings/src/worker/main.ts',
  relay: 'subgraphs/bookings/src/relay/main.ts',
  events: 'subgraphs/events/src/api/main.ts',
  projector: 'subgraphs/events/src/projector/main.ts',
  gateway: 'gateway/src/main.ts',
};

export interface Stack {
  name: string;
  /** NGINX in front of the gateway: what clients use. */
  url: string;
  graphqlUrl: string;
  gatewayUrl: string;
  /** The prefix directory of its NGINX instance (how CPU accounting tells that NGINX's processes apart). */
  nginxPrefix: string;
  /** The subgraphs' GraphQL endpoints, straight (what the gateway calls). */
  subgraphs: { bookings: string; events: string };
  pg: pg.Pool;
  mongo: MongoDb;
  /** Sends a signal to a role's process and waits for it to exit. */
  kill(role: Role, signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts a role again after kill, and waits until it is ready. */
  start(role: Role): Promise<void>;
  /** Process ids of the running app processes, to tell whether one was restarted. */
  pids(): Partial<Record<Role, number>>;
  /** Starts one more gateway process (no NGINX in front), with `env` over the stack's; stopped with the stack. */
  addGateway(env?: Record<string, string>): Promise<{ url: string }>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function assertReachable(what: string, url: string, probe: () => Promise<unknown>) {
  try {
    await probe();
  } catch (error) {
    throw new Error(`${what} is not reachable at ${url} (${(error as Error).message}); start the services with scripts/services/up.sh`);
  }
}

/**
 * Deletes the topics whose names start with `prefix` (a stack's, a test's).
 * Left behind, they add up on a development broker: 1,510 topics (9,000
 * partitions, each with its log files) of 261 stacks after one day here.
 */
export async function deleteTopics(prefix: string, log: Logger = pino({ level: 'warn' })): Promise<void> {
  const admin = createKafka('test-cleanup', serviceEnv().kafkaBrokers.split(','), log).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Starts every app process against the real services, isolated by a unique
 * database, Mongo database, topic prefix and Redis key prefix, with its own
 * NGINX in front. Dispose with stop().
 */
export async function startStack(name: string, extraEnv: Partial<Record<string, string>> = {}): Promise<Stack> {
  const services = serviceEnv();
  const id = `${name.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const dbName = `e2e_${id}`;
  const databaseUrl = Object.assign(new URL(services.databaseUrl), { pathname: `/${dbName}` }).toString();
  const logDir = `${ROOT}.artifacts/e2e/${id}`;
  mkdirSync(logDir, { recursive: true });

  await assertReachable('PostgreSQL', services.databaseUrl, () => createDatabase(services.databaseUrl, dbName));
  const mongoClient = new MongoClient(services.mongoUrl, { serverSelectionTimeoutMS: 5000 });
  await assertReachable('MongoDB (FerretDB)', services.mongoUrl, () => mongoClient.connect());
  const topicPrefix = `${id}.`;
  const log = pino({ level: 'warn' });
  await setup({
    databaseUrl,
    kafkaBrokers: services.kafkaBrokers.split(','),
    topicPrefix,
    mongoUrl: services.mongoUrl,
    mongoDb: id,
    log,
    withSeed: true,
  }).catch((error: Error) => {
    throw new Error(`stack setup failed (is Kafka up at ${services.kafkaBrokers}?): ${error.message}`);
  });

  const ports = Object.fromEntries(await Promise.all((['bookings', 'events', 'gateway', 'worker', 'relay', 'projector', 'nginx'] as const).map(async (r) => [r, await freePort()]))) as Record<Role | 'nginx', number>;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.STACK_LOG_LEVEL ?? 'info',
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redisUrl,
    REDIS_KEY_PREFIX: `${id}:`,
    KAFKA_BROKERS: services.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    MONGO_URL: services.mongoUrl,
    MONGO_DB: id,
    BOOKINGS_URL: `http://127.0.0.1:${ports.bookings}/graphql`,
    EVENTS_URL: `http://127.0.0.1:${ports.events}/graphql`,
    ...LOAD_TEST_LIMITS,
    ...Object.fromEntries(Object.entries(extraEnv).filter((e): e is [string, string] => e[1] !== undefined)),
  };

  const procs = new Map<Role, ChildProcess>();
  const extras: ChildProcess[] = [];
  const launch = (role: Role, logName: string, port: number, extra: Record<string, string> = {}) => {
    const out = createWriteStream(`${logDir}/${logName}.log`, { flags: 'a' });
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY[role]], {
      cwd: ROOT,
      env: { ...env, ...extra, ...(['bookings', 'events', 'gateway'].includes(role) ? { PORT: String(port) } : { HEALTH_PORT: String(port) }) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A session of its own, as scripts/stack.sh starts each role (setsid):
      // the scheduler weighs each process as the deployment does, and a
      // background role's lower weight (BACKGROUND_NICE) is its own.
      detached: true,
    });
    orphans.add(child);
    child.once('exit', () => orphans.delete(child));
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    return child;
  };
  const spawnRole = (role: Role) => {
    const child = launch(role, role, ports[role]);
    procs.set(role, child);
    return child;
  };
  const ready = (role: Role) =>
    waitFor(
      async () => {
        const child = procs.get(role);
        if (!child || child.exitCode !== null) throw new GiveUp(`${role} exited with ${child?.exitCode}; see ${logDir}/${role}.log`);
        const res = await fetch(`http://127.0.0.1:${ports[role]}/readyz`);
        return res.ok;
      },
      // Minutes, not seconds: on a busy shared machine a process can take over a minute to compile, connect and join its group.
      { timeoutMs: 180_000, intervalMs: 100, what: `${role} to be ready (log: ${logDir}/${role}.log)` },
    );
  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

  const nginxPrefix = `${logDir}/nginx`;
  const nginx = `${ROOT}scripts/services/nginx-instance.sh`;
  const all: Role[] = ['bookings', 'events', 'worker', 'relay', 'projector', 'gateway'];
  let stopped = false;
  const stop = async () => {
    stopped = true;
    untrack();
    await run(nginx, ['stop', nginxPrefix]).catch(() => undefined);
    await Promise.all(
      [...procs.values(), ...extras].map(async (child) => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited(child);
          clearTimeout(timer);
        }
      }),
    );
    await pool.end().catch(() => undefined);
    await mongoClient.db(id).dropDatabase().catch(() => undefined);
    await mongoClient.close().catch(() => undefined);
    if (!process.env.KEEP_STACK) {
      await dropDatabase(services.databaseUrl, dbName).catch(() => undefined);
      await deleteTopics(topicPrefix, log).catch((error: Error) => log.warn({ err: error }, 'could not delete the stack topics'));
    }
  };

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const untrack = trackStop(stop);
  try {
    for (const role of ['bookings', 'events'] as Role[]) spawnRole(role);
    await Promise.all(['bookings', 'events'].map((r) => ready(r as Role)));
    for (const role of ['worker', 'relay', 'projector', 'gateway'] as Role[]) spawnRole(role);
    await Promise.all(all.map(ready));
    await run(nginx, ['start', nginxPrefix, String(ports.nginx), `127.0.0.1:${ports.gateway}`, `127.0.0.1:${ports.bookings}`, `127.0.0.1:${ports.events}`]);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `http://127.0.0.1:${ports.nginx}`;
  await waitFor(async () => (await fetch(`${url}/api/events`)).ok, { what: 'nginx to proxy the gateway' });
  if (stopped) {
    await stop(); // stopStacks ran while this stack was starting: NGINX may have started after it
    throw new Error(`stack ${id} was stopped while starting`);
  }

  return {
    name: id,
    url,
    graphqlUrl: `${url}/graphql`,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    nginxPrefix,
    subgraphs: { bookings: env.BOOKINGS_URL!, events: env.EVENTS_URL! },
    pg: pool,
    mongo: mongoClient.db(id),
    async kill(role, signal = 'SIGTERM') {
      const child = procs.get(role);
      if (!child) return null;
      child.kill(signal);
      return exited(child);
    },
    async start(role) {
      spawnRole(role);
      await ready(role);
    },
    pids: () => Object.fromEntries([...procs].flatMap(([role, child]) => (child.pid && child.exitCode === null ? [[role, child.pid]] : []))),
    async addGateway(extra = {}) {
      const port = await freePort();
      const child = launch('gateway', `gateway-${extras.length + 2}`, port, extra);
      extras.push(child);
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new GiveUp(`extra gateway exited with ${child.exitCode}; see ${logDir}`);
          return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
        },
        { timeoutMs: 180_000, intervalMs: 100, what: 'the extra gateway to be ready' },
      );
      return { url: `http://127.0.0.1:${port}` };
    },
    stop,
  };
}
