import { describe, expect, it } from 'vitest';
import { stopStacks, trackStop } from './cleanup.ts';

describe('stopStacks', () => {
  it('stops every system still tracked, once, and none that stopped itself', async () => {
    const calls: string[] = [];
    trackStop(async () => calls.push('running'));
    const untrack = trackStop(async () => calls.push('stopped by its owner'));
    untrack();
    trackStop(async () => {
      calls.push('failing');
      throw new Error('already gone');
    });
    await stopStacks();
    expect(calls.sort()).toEqual(['failing', 'running']);
  });
});
