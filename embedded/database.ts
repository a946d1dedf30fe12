import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
// The database thread loads this file: the logger and SQL modules alone, not all of service-kit.
import type { Logger } from '@booking/service-kit/logger';
import { pgliteSql } from '@booking/service-kit/sql';
import { migrate } from '../prisma/migrate.ts';
import { seed } from '../prisma/seed.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'booking-embedded');

/**
 * What a fresh, migrated and seeded database depends on: when any of it
 * changes, the cached copy is not used.
 */
async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  const migrations = join(ROOT, 'prisma', 'migrations');
  for (const name of (await readdir(migrations)).sort()) {
    const file = join(migrations, name, 'migration.sql');
    if (existsSync(file)) hash.update(name).update(await readFile(file));
  }
  hash.update(await readFile(join(ROOT, 'prisma', 'seed.ts')));
  hash.update(await readFile(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Opens PGlite, migrated, with the demo events when `withSeed` is set.
 *
 * Creating a PostgreSQL cluster from nothing (initdb inside WebAssembly)
 * takes 3-7 s on a 2-core machine; loading a copy of an already migrated and
 * seeded one takes under 1 s (docs/benchmarks.md). So the first start keeps
 * such a copy in node_modules/.cache and later fresh databases (a new data
 * directory, or --in-memory) start from it.
 */
export async function openDatabase(dataDir: string | null, withSeed: boolean, log: Logger): Promise<PGlite> {
  const existing = dataDir !== null && existsSync(join(dataDir, 'PG_VERSION'));
  const templatePath = withSeed && !existing ? await templateFile() : null;
  const template = templatePath && existsSync(templatePath) ? new Blob([await readFile(templatePath)]) : null;

  const pglite = await PGlite.create(dataDir ?? undefined, template ? { loadDataDir: template } : {});
  const sql = pgliteSql(pglite);
  const applied = await migrate(sql);
  const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  if (withSeed && rows[0]!.n === 0) log.info(await seed(sql), 'demo events loaded');
  log.info({ dataDir: dataDir ?? 'in memory', from: existing ? 'data directory' : template ? 'cached template' : 'initdb', migrationsApplied: applied.length }, 'database open');

  if (templatePath && !template) {
    try {
      await keep(pglite, templatePath);
    } catch (error) {
      log.warn({ err: error }, 'could not keep a copy of the new database; the next fresh start will create one again');
    }
  }
  return pglite;
}

const templateFile = async () => join(CACHE_DIR, `pglite-${await templateKey()}.tar`);

async function keep(pglite: PGlite, path: string) {
  const dump = await pglite.dumpDataDir('none');
  await mkdir(CACHE_DIR, { recursive: true });
  await writeFile(`${path}.tmp`, Buffer.from(await dump.arrayBuffer()));
  await rename(`${path}.tmp`, path);
}

/**
 * Makes the cached migrated and seeded database if it is missing, so that
 * even the first `npm start` skips initdb (run by `npm install`).
 */
export async function prepareTemplate(log: Logger): Promise<void> {
  const path = await templateFile();
  if (existsSync(path)) return;
  const started = performance.now();
  const pglite = await PGlite.create();
  try {
    const sql = pgliteSql(pglite);
    await migrate(sql);
    await seed(sql);
    await keep(pglite, path);
  } finally {
    await pglite.close();
  }
  log.info({ ms: Math.round(performance.now() - started), path }, 'embedded database prepared');
}
