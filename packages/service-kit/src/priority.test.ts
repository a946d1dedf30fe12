import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { leadsSession, yieldCpu } from './priority.ts';

const log = pino({ level: 'silent' });
// pid 4242, state S, ppid 1, process group 4242, session 4242 (a command name with a space and a parenthesis).
const LEADER = '4242 (node (main)) S 1 4242 4242 0 -1 4194560 1 0 0 0';
const MEMBER = '4300 (node) S 4242 4242 4242 0 -1 4194560 1 0 0 0';

function fakeProc(stat: string) {
  const dir = mkdtempSync(join(tmpdir(), 'proc-'));
  writeFileSync(join(dir, 'stat'), stat);
  writeFileSync(join(dir, 'autogroup'), '/autogroup-7 nice 0\n');
  return dir;
}

describe('yieldCpu', () => {
  it('reads whether a process leads its session from its stat line', () => {
    expect(leadsSession(LEADER)).toBe(true);
    expect(leadsSession(MEMBER)).toBe(false);
  });

  it("sets the autogroup's nice when the process leads its session", () => {
    const proc = fakeProc(LEADER);
    const own: number[] = [];
    expect(yieldCpu(10, log, { proc, setOwnPriority: (n) => own.push(n) })).toEqual({ nice: 10, via: 'autogroup' });
    expect(readFileSync(join(proc, 'autogroup'), 'utf8')).toBe('10');
    expect(own).toEqual([]);
  });

  it("sets only its own nice when it shares its session, leaving the session's autogroup alone", () => {
    const proc = fakeProc(MEMBER);
    const own: number[] = [];
    expect(yieldCpu(5, log, { proc, setOwnPriority: (n) => own.push(n) })).toEqual({ nice: 5, via: 'process' });
    expect(own).toEqual([5]);
    expect(readFileSync(join(proc, 'autogroup'), 'utf8')).toContain('nice 0');
  });

  it('does nothing for 0, and runs on at the normal priority when lowering fails', () => {
    const own: number[] = [];
    expect(yieldCpu(0, log, { proc: fakeProc(MEMBER), setOwnPriority: (n) => own.push(n) })).toEqual({ nice: 0 });
    expect(own).toEqual([]);
    const failing = () => {
      throw new Error('EACCES');
    };
    expect(yieldCpu(10, log, { proc: fakeProc(MEMBER), setOwnPriority: failing })).toEqual({ nice: 0 });
  });
});
