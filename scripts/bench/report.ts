import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The machine and code a benchmark ran on, for its record in docs/benchmarks.md. */
export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    /* keep availableParallelism */
  }
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    // Uncommitted changes to the code under test (the benchmark's own files excluded).
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!scripts/bench', ':!docs/benchmarks.md'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3));
    if (dirty.length) commit += ` with uncommitted changes to ${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ` and ${dirty.length - 5} more` : ''}`;
  } catch {
    /* not a git checkout */
  }
  return {
    nproc,
    model,
    memGiB: memKb / 1024 / 1024,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    loadAtStart: os.loadavg(),
    commit,
  };
}

/**
 * Inserts a run's section into docs/benchmarks.md right below `marker`
 * (newest first); when the marker is missing, `intro` (which must contain
 * it) is appended to the document first.
 */
export function recordRun(marker: string, intro: string, section: string): void {
  const doc = `${ROOT}docs/benchmarks.md`;
  let current = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  if (!current.includes(marker)) current = `${current.trimEnd()}\n\n${intro}`;
  const at = current.indexOf(marker) + marker.length;
  writeFileSync(doc, `${`${current.slice(0, at)}\n\n${section.trimEnd()}\n${current.slice(at).replace(/^\n+/, '\n')}`.trim()}\n`);
  process.stderr.write(`wrote a section to ${doc}\n`);
}

export interface FigureRow {
  figure: string;
  target: string;
  measured: string;
  ratio?: number;
  met?: boolean;
}

const LATEST_START = '<!-- on-sale latest: replaced by each `npm run bench` -->';
const LATEST_END = '<!-- /on-sale latest -->';
const HISTORY = '<!-- on-sale history: one row per run is inserted at the top of the table below -->';

/**
 * Records an on-sale run in docs/benchmarks.md: the latest table is replaced,
 * and one row (date, machine, commit, the headline figures) goes on top of
 * the history.
 */
export function recordOnSaleRun(startedAt: Date, m: ReturnType<typeof machine>, command: string, rows: FigureRow[], notes: string[]): void {
  const doc = `${ROOT}docs/benchmarks.md`;
  let text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
  const when = startedAt.toISOString().replace(/:\d\d\.\d+Z$/, 'Z').replace('T', ' ');
  const machineLine = `${m.nproc} cores ${m.model}, ${m.memGiB.toFixed(1)} GiB, Node ${m.node}, load ${m.loadAtStart.map((x) => x.toFixed(1)).join('/')}`;
  const fmtRatio = (r?: number) => (r === undefined ? '' : `${r.toFixed(2)}x`);
  const latest = [
    LATEST_START,
    `Run ${when} UTC, \`${command}\`, code ${m.commit}; ${machineLine}; every service, app process and the load generator on this machine.`,
    '',
    '| Figure | Target | Measured | Ratio | Met |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.target} | ${r.measured} | ${fmtRatio(r.ratio)} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n.replace(/\|/g, '\\|')}`)] : []),
    LATEST_END,
  ].join('\n');
  const judged = rows.filter((r) => r.met !== undefined);
  const headline = rows.filter((r) => r.ratio !== undefined && r.met !== undefined).map((r) => `${r.figure}: ${r.measured}`).join('; ');
  const historyRow = `| ${when} | ${m.commit} | ${m.nproc} cores, load ${m.loadAtStart[0]!.toFixed(1)} | \`${command}\` | ${judged.filter((r) => r.met).length}/${judged.length} | ${headline.replace(/\|/g, '\\|')} |`;
  if (text.includes(LATEST_START)) text = text.slice(0, text.indexOf(LATEST_START)) + latest + text.slice(text.indexOf(LATEST_END) + LATEST_END.length);
  else text = `${text.trimEnd()}\n\n## On-sale figures (\`npm run bench\`)\n\n${latest}\n`;
  const head = '| Date (UTC) | Commit | Machine | Command | Met | Figures |\n|---|---|---|---|---|---|\n';
  if (!text.includes(HISTORY)) text = `${text.trimEnd()}\n\n### History of on-sale runs (newest first)\n\n${HISTORY}\n${head}`;
  const at = text.indexOf(head, text.indexOf(HISTORY)) + head.length;
  text = `${text.slice(0, at)}${historyRow}\n${text.slice(at)}`;
  writeFileSync(doc, text);
  process.stderr.write(`recorded the run in ${doc}\n`);
}

/** Runs a benchmark's main: a failure is printed with `say` and exits 1; the process always exits when it ends. */
export async function runBenchmark(main: () => Promise<void>, say: (msg: string) => void): Promise<never> {
  try {
    await main();
  } catch (error) {
    say(`failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  }
  process.exit(process.exitCode ?? 0);
}
