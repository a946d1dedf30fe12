import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Logger } from './logger.ts';

/** How a process lowered its CPU weight, for its start-up log. */
export type Yielded = { nice: 0 } | { nice: number; via: 'autogroup' | 'process' };

/**
 * Lowers this process's CPU weight by `nice` (0-19), for work that may fall
 * behind for a while (the worker, the outbox relay, the projector) so that
 * the processes answering requests get the CPU first when the machine is
 * full (docs/adr/0015). On Linux with autogroups (sched(7)) a session is one
 * scheduling entity and a process's own nice only ranks it within its
 * session; a process that leads its session (as every process
 * scripts/stack.sh and the testkit start does) sets its autogroup's nice
 * instead. A process sharing its session with others (started from a shell)
 * sets only its own nice, so it never lowers the shell's. In a container the
 * cgroup's weight decides (docker-compose.yml's `cpu_shares`).
 */
export function yieldCpu(nice: number, log: Logger, { proc = '/proc/self', setOwnPriority = setPriority }: { proc?: string; setOwnPriority?: (nice: number) => void } = {}): Yielded {
  if (nice <= 0) return { nice: 0 };
  let via: 'autogroup' | 'process' = 'process';
  try {
    if (existsSync(`${proc}/autogroup`) && leadsSession(readFileSync(`${proc}/stat`, 'utf8'))) {
      writeFileSync(`${proc}/autogroup`, String(nice));
      via = 'autogroup';
    } else setOwnPriority(nice);
  } catch (error) {
    log.warn({ err: error, nice }, 'could not lower the CPU priority; running at the normal one');
    return { nice: 0 };
  }
  log.info({ nice, via }, 'CPU priority lowered: request-serving processes go first');
  return { nice, via };
}

/** Whether a /proc `stat` line is of its session's leader (its pid, field 1, is its session id, field 6). */
export function leadsSession(stat: string): boolean {
  const pid = Number(stat.slice(0, stat.indexOf(' ')));
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[3]) === pid;
}
