/**
 * How long the start command takes until the system answers, in embedded mode.
 *
 *   npx tsx scripts/bench/startup.ts [--runs 3] [--no-write]
 *
 * Runs `scripts/start.sh` (what `npm start` runs) on free ports and measures
 * from spawning it to the gateway's /readyz answering 200 and to a first
 * `GET /api/events`, in four situations:
 *   existing  - a data directory from an earlier run (the everyday restart)
 *   fresh     - a new data directory, with the cached migrated + seeded database
 *   memory    - `--in-memory`, with the cached database
 *   uncached  - a new data directory and no cached database (what the first
 *               start costs when `npm install` did not run the `prepare`
 *               script that makes it: initdb inside PGlite, migrations,
 *               seed; the start writes the cache)
 * Prints a table and inserts it into docs/benchmarks.md under the start-up
 * heading (newest first) unless --no-write.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machine, recordRun } from './report.ts';
import { freePort } from '@booking/testkit';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = `${ROOT}node_modules/.cache/booking-embedded`;
const MARKER = '<!-- start-up runs: new sections are inserted below this line -->';
const INTRO = `## Embedded start-up (\`scripts/bench/startup.ts\`)

From the start command to a ready system in embedded mode (target: 5 s on
the 2-core development machine). Newest first.

${MARKER}
`;
const say = (m: string) => process.stderr.write(`[startup] ${m}\n`);

/** One start: ms to ready and to the first REST answer; the process is stopped after. */
async function startOnce(args: string[], dataDir: string | null): Promise<{ ready: number; firstAnswer: number }> {
  const [port, bookings, events] = await Promise.all([freePort(), freePort(), freePort()]);
  const started = performance.now();
  const child = spawn(`${ROOT}scripts/start.sh`, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), BOOKINGS_PORT: String(bookings), EVENTS_PORT: String(events), LOG_LEVEL: 'warn', ...(dataDir ? { DATA_DIR: dataDir } : {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const url = `http://127.0.0.1:${port}`;
  try {
    let ready = 0;
    while (!ready) {
      if (exited) throw new Error(`start command exited early: ${stderr.slice(-2000)}`);
      if (performance.now() - started > 120_000) throw new Error('not ready after 120 s');
      const res = await fetch(`${url}/readyz`).catch(() => null);
      if (res?.ok) ready = performance.now() - started;
      else await new Promise((r) => setTimeout(r, 25));
    }
    const res = await fetch(`${url}/api/events`);
    if (!res.ok) throw new Error(`GET /api/events answered ${res.status}`);
    await res.arrayBuffer();
    return { ready, firstAnswer: performance.now() - started };
  } finally {
    child.kill('SIGTERM');
    await exit;
  }
}


async function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'no-write': { type: 'boolean', default: false } } });
  const runs = Number(values.runs);
  const m = machine();
  const tmp = mkdtempSync(join(os.tmpdir(), 'startup-bench-'));
  const results: Record<string, { ready: number; firstAnswer: number }[]> = { existing: [], fresh: [], memory: [], uncached: [] };
  try {
    // Make sure the web pages and the cache exist, so only "uncached" pays for them.
    say('warming up (builds the web pages and the cached database if missing)');
    await startOnce([], join(tmp, 'warm'));
    const existing = join(tmp, 'existing');
    await startOnce([], existing);
    for (let i = 0; i < runs; i++) {
      say(`run ${i + 1}/${runs}`);
      results.existing!.push(await startOnce([], existing));
      results.fresh!.push(await startOnce([], join(tmp, `fresh-${i}`)));
      results.memory!.push(await startOnce(['--in-memory'], null));
      const aside = `${CACHE}.bench-aside`;
      if (existsSync(CACHE)) renameSync(CACHE, aside);
      try {
        results.uncached!.push(await startOnce([], join(tmp, `uncached-${i}`)));
      } finally {
        if (existsSync(aside)) {
          rmSync(CACHE, { recursive: true, force: true });
          renameSync(aside, CACHE);
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const fmt = (xs: number[]) => `${Math.round(median(xs)).toLocaleString('en-US')} ms (${xs.map((x) => Math.round(x).toLocaleString('en-US')).join(', ')})`;
  const label: Record<string, string> = {
    existing: 'restart with an existing data directory',
    fresh: 'new data directory (cached database)',
    memory: '`--in-memory` (cached database)',
    uncached: 'no cached database (`prepare` skipped)',
  };
  const rows = Object.entries(results).map(([k, r]) => `| ${label[k]} | ${fmt(r.map((x) => x.ready))} | ${fmt(r.map((x) => x.firstAnswer))} |`);
  const section = [
    `### ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} — ready in ${Math.round(median(results.existing!.map((r) => r.ready)))} ms (restart), ${Math.round(median(results.uncached!.map((r) => r.ready)))} ms (no cached database)`,
    '',
    `Machine: ${m.nproc} cores (${m.model}), Node ${m.node}, load average ${m.loadAtStart.map((l) => l.toFixed(2)).join(' ')} at the start, commit ${m.commit}. ${runs} runs each; median (all runs).`,
    '',
    '| Start | `npm start` -> /readyz 200 | -> first `GET /api/events` |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(`${section}\n`);
  if (values['no-write']) return;
  recordRun(MARKER, INTRO, section);
}

await main();
