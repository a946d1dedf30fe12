import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU accounting from /proc: which process used how much CPU between two
 * snapshots. Stack processes are recognised as children of this process (by
 * entry file), the private NGINX by its prefix directory, the shared services
 * by name; whatever else ran on the machine shows up as "rest of machine".
 */

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmd: string;
  ticks: number;
}

export interface CpuSnapshot {
  at: number;
  procs: Map<number, Proc>;
  /** Machine-wide busy and total jiffies from /proc/stat. */
  busy: number;
  total: number;
}

/** A /proc `stat` line: the command name, and the fields after it (f[0] is field 3, state). */
function parseStat(stat: string) {
  const close = stat.lastIndexOf(')');
  const f = stat.slice(close + 2).split(' ');
  // ppid is field 4, utime 14, stime 15.
  return { comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

function readProc(pid: number): Proc | null {
  try {
    const { comm, ppid, ticks } = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { pid, ppid, comm, cmd, ticks };
  } catch {
    return null; // exited meanwhile
  }
}

/** CPU seconds used so far by a process (every thread), or by one of its threads when `thread` (a task id) is given. */
export function cpuSeconds(pid: number, thread?: number): number {
  return parseStat(readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8')).ticks / CLK_TCK;
}

export function cpuSnapshot(): CpuSnapshot {
  const procs = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) procs.set(p.pid, p);
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  const busy = user + nice + system + irq + softirq + steal;
  return { at: performance.now(), procs, busy, total: busy + idle + iowait };
}

const ROLE_ENTRIES: [string, string][] = [
  ['subgraphs/bookings/src/worker/main.ts', 'worker'],
  ['subgraphs/bookings/src/relay/main.ts', 'outbox relay'],
  ['subgraphs/bookings/src/api/main.ts', 'bookings subgraph'],
  ['subgraphs/events/src/projector/main.ts', 'projector'],
  ['subgraphs/events/src/api/main.ts', 'events subgraph'],
  ['gateway/src/main.ts', 'gateway'],
  ['scripts/bench/fanout.ts', 'subscriber processes (bench)'],
  ['scripts/bench/baseline-server.ts', 'baseline server'],
  ['embedded/main.ts', 'embedded process'],
];

function classify(p: Proc, procs: Map<number, Proc>, nginxPrefix: string): string | null {
  if (p.pid === process.pid) return 'load generator + bench script';
  if (p.ppid === process.pid) {
    const role = ROLE_ENTRIES.find(([entry]) => p.cmd.includes(entry));
    if (role) return role[1];
  }
  const isOurNginx = (q: Proc | undefined) => !!q && q.comm === 'nginx' && q.cmd.includes(nginxPrefix);
  if (isOurNginx(p) || (p.comm === 'nginx' && isOurNginx(procs.get(p.ppid)))) return 'nginx (private)';
  if (p.comm === 'postgres' || p.cmd.includes('postgresql/') || p.comm.startsWith('postgres')) return 'postgresql (shared)';
  if (p.comm === 'redis-server') return 'redis (shared)';
  if (p.comm === 'java' && /kafka/i.test(p.cmd)) return 'kafka (shared)';
  if (p.comm === 'ferretdb' || p.cmd.includes('ferretdb')) return 'ferretdb (shared)';
  return null;
}

export interface CpuUsage {
  seconds: number;
  /** Machine-wide average busy cores over the interval. */
  machineCores: number;
  /** CPU-seconds and average cores per process group, biggest first. */
  groups: { name: string; cpuSeconds: number; cores: number }[];
}

/** CPU used between two snapshots, per group. Processes that exited in between are not counted. */
export function cpuUsage(a: CpuSnapshot, b: CpuSnapshot, nginxPrefix: string): CpuUsage {
  const seconds = (b.at - a.at) / 1000;
  const byGroup = new Map<string, number>();
  let classified = 0;
  for (const p of b.procs.values()) {
    const name = classify(p, b.procs, nginxPrefix);
    if (!name) continue;
    const before = a.procs.get(p.pid);
    const ticks = before && before.cmd === p.cmd ? p.ticks - before.ticks : p.ticks;
    byGroup.set(name, (byGroup.get(name) ?? 0) + ticks);
    classified += ticks;
  }
  const machineTicks = b.busy - a.busy;
  // /proc/stat counts jiffies summed over all CPUs at the same USER_HZ rate.
  byGroup.set('rest of machine (other work, kernel)', Math.max(0, machineTicks - classified));
  const groups = [...byGroup.entries()]
    .map(([name, ticks]) => ({ name, cpuSeconds: ticks / CLK_TCK, cores: ticks / CLK_TCK / seconds }))
    .sort((x, y) => y.cpuSeconds - x.cpuSeconds);
  return { seconds, machineCores: machineTicks / CLK_TCK / seconds, groups };
}
