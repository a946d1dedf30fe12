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
