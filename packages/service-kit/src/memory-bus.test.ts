import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { busContract } from '../../../tests/contracts/bus.ts';
import type { Delivery } from './bus.ts';
import { createMemoryBus } from './memory-bus.ts';

const log = pino({ level: 'silent' });
let n = 0;

busContract('in process', async () => ({
  bus: createMemoryBus({ partitions: 6, log, retryMs: 5 }),
  topic: async () => `topic-${++n}`,
  timeoutMs: 2_000,
}));

describe('in-process bus with a data directory', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const tempDir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'bus-'));
    dirs.push(d);
    return d;
  };
  const drain = async (bus: ReturnType<typeof createMemoryBus>, group: string) => {
    const got: Delivery[] = [];
    const c = await bus.consume({ group, topics: ['requests'], from: 'earliest', maxChunk: 10, handle: async (chunk) => void got.push(...chunk) });
    await new Promise((r) => setTimeout(r, 50));
    await c.stop();
    return got.map((d) => d.value);
  };

  it('keeps accepted messages and committed positions across a restart, and drops what every group consumed', async () => {
    const dir = await tempDir();
    const first = createMemoryBus({ partitions: 3, dir, log });
    await first.connect();
    expect(await drain(first, 'worker')).toEqual([]); // registers the group
    await first.publish(['a', 'b', 'c'].map((v) => ({ topic: 'requests', key: v, value: v })));
    expect((await drain(first, 'worker')).sort()).toEqual(['a', 'b', 'c']);
    await first.publish(['d', 'e'].map((v) => ({ topic: 'requests', key: v, value: v })));
    await first.close();

    const second = createMemoryBus({ partitions: 3, dir, log });
    await second.connect();
    expect((await drain(second, 'worker')).sort()).toEqual(['d', 'e']);
    await second.close();

    const third = createMemoryBus({ partitions: 3, dir, log });
    await third.connect();
    const file = await readFile(join(dir, 'log', 'requests.jsonl'), 'utf8');
    expect(file.trim()).toBe(''); // everything consumed by the only group was dropped on load
    expect(await drain(third, 'worker')).toEqual([]);
    await third.publish([{ topic: 'requests', key: 'a', value: 'f' }]);
    expect(await drain(third, 'worker')).toEqual(['f']);
    await third.close();
  });

  it('ignores a line cut short by a crash while writing', async () => {
    const dir = await tempDir();
    const bus = createMemoryBus({ partitions: 1, dir, log });
    await bus.connect();
    await drain(bus, 'worker');
    await bus.publish([{ topic: 'requests', key: 'k', value: 'whole' }]);
    await bus.close();
    await appendFile(join(dir, 'log', 'requests.jsonl'), '{"p":0,"o":1,"key":"k","val');
    const again = createMemoryBus({ partitions: 1, dir, log });
    await again.connect();
    expect(await drain(again, 'worker')).toEqual(['whole']);
    await again.close();
  });

  it('refuses a second consumer in the same group', async () => {
    const bus = createMemoryBus({ partitions: 1, log });
    await bus.connect();
    const handle = async () => undefined;
    const c = await bus.consume({ group: 'g', topics: ['t'], from: 'earliest', maxChunk: 1, handle });
    await expect(bus.consume({ group: 'g', topics: ['t'], from: 'earliest', maxChunk: 1, handle })).rejects.toThrow(/already has a consumer/);
    await c.stop();
    await bus.close();
  });
});
