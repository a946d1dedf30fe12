import { appendFile, mkdir, open, readdir, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bus, BusConsumer, BusRecord, ConsumeOptions, Delivery } from './bus.ts';
import type { Logger } from './logger.ts';

export interface MemoryBusOptions {
  partitions: number;
  /** Where the log and committed positions are kept; without it everything lives in memory. */
  dir?: string;
  log: Logger;
  /** First delay before a failed chunk is delivered again; doubles up to 5 s. */
  retryMs?: number;
  /** Entries a partition keeps in memory before consumed ones are dropped. */
  trimAbove?: number;
}

interface Entry {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

interface Partition {
  /** Offset of entries[0]. */
  base: number;
  entries: Entry[];
  /** Live readers' positions, so trimming never drops what they have not read. */
  readers: Set<{ pos: number }>;
  wake: Set<() => void>;
}

/** One line of a topic's log file. */
interface StoredEntry extends Entry {
  p: number;
  o: number;
}

const end = (p: Partition) => p.base + p.entries.length;
const partitionKey = (topic: string, partition: number) => `${topic}/${partition}`;

/** FNV-1a: a stable key -> partition mapping across restarts. */
function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % partitions;
}

/**
 * The bus inside one process, with Kafka's semantics where the services rely
 * on them: a key always maps to the same partition, a partition is handled
 * in order by one handler at a time, durable groups resume from their
 * committed position, and a chunk whose handler throws is delivered again.
 *
 * With `dir`, a publish resolves only after its messages are appended to the
 * topic's log file and flushed, and committed positions are written after
 * every chunk, so accepted messages survive a restart. On connect the log is
 * loaded and what every durable group has consumed is dropped from it.
 */
export function createMemoryBus({ partitions, dir, log, retryMs = 100, trimAbove = 10_000 }: MemoryBusOptions): Bus {
  const topics = new Map<string, Partition[]>();
  /** group -> "topic/partition" -> next offset to consume. */
  const committed = new Map<string, Map<string, number>>();
  const files = new Map<string, FileHandle>();
  const active = new Map<string, BusConsumer>();
  let writing: Promise<void> = Promise.resolve();
  let savingOffsets: Promise<void> = Promise.resolve();
  let connected = false;

  function partitionsOf(topic: string): Partition[] {
    let list = topics.get(topic);
    if (!list) {
      list = Array.from({ length: partitions }, () => ({ base: 0, entries: [], readers: new Set(), wake: new Set() }));
      topics.set(topic, list);
    }
    return list;
  }

  function lowestNeeded(topic: string, partition: number, p: Partition): number {
    let low = end(p);
    for (const r of p.readers) low = Math.min(low, r.pos);
    for (const positions of committed.values()) {
      const pos = positions.get(partitionKey(topic, partition));
      if (pos !== undefined) low = Math.min(low, pos);
    }
    return low;
  }

  function trim(topic: string, partition: number, p: Partition) {
    if (p.entries.length <= trimAbove) return;
    const drop = lowestNeeded(topic, partition, p) - p.base;
    if (drop > 0) {
      p.entries.splice(0, drop);
      p.base += drop;
    }
  }

  function append(topic: string, partition: number, entries: Entry[]) {
    const p = partitionsOf(topic)[partition]!;
    p.entries.push(...entries);
    for (const wake of [...p.wake]) wake();
    trim(topic, partition, p);
  }

  async function fileOf(topic: string): Promise<FileHandle> {
    let fh = files.get(topic);
    if (!fh) {
      fh = await open(join(dir!, 'log', `${encodeURIComponent(topic)}.jsonl`), 'a');
      files.set(topic, fh);
    }
    return fh;
  }

  function saveOffsets(): Promise<void> {
    if (!dir) return Promise.resolve();
    const snapshot = JSON.stringify(Object.fromEntries([...committed].map(([g, m]) => [g, Object.fromEntries(m)])));
    savingOffsets = savingOffsets.then(async () => {
      const target = join(dir, 'offsets.json');
      await writeFile(`${target}.tmp`, snapshot);
      await rename(`${target}.tmp`, target);
    });
    return savingOffsets;
  }

  async function load() {
    await mkdir(join(dir!, 'log'), { recursive: true });
    const saved = await readFile(join(dir!, 'offsets.json'), 'utf8').then(
      (raw) => JSON.parse(raw) as Record<string, Record<string, number>>,
      () => ({}),
    );
    for (const [group, positions] of Object.entries(saved)) committed.set(group, new Map(Object.entries(positions)));
    for (const name of await readdir(join(dir!, 'log'))) {
      if (!name.endsWith('.jsonl')) continue;
      const topic = decodeURIComponent(name.slice(0, -'.jsonl'.length));
      const path = join(dir!, 'log', name);
      const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.length > 0);
      const list = partitionsOf(topic);
      const keep: string[] = [];
      const stored = lines.flatMap((line) => {
        try {
          return [{ line, entry: JSON.parse(line) as StoredEntry }];
        } catch {
          return []; // a line cut short by a crash mid-write was never acknowledged
        }
      });
      for (const { entry } of stored) {
        const p = list[entry.p]!;
        if (p.entries.length === 0) p.base = entry.o;
        p.entries.push({ key: entry.key, value: entry.value, ...(entry.headers ? { headers: entry.headers } : {}) });
      }
      const low = list.map((p, i) => lowestNeeded(topic, i, p));
      for (const { line, entry } of stored) {
        if (entry.o < low[entry.p]!) continue;
        keep.push(line);
      }
      list.forEach((p, i) => {
        const drop = low[i]! - p.base;
        p.entries.splice(0, drop);
        p.base = low[i]!;
      });
      if (keep.length < lines.length) {
        await writeFile(`${path}.tmp`, keep.map((l) => `${l}\n`).join(''));
        await rename(`${path}.tmp`, path);
      }
      log.info({ topic, entries: lines.length, kept: keep.length }, 'bus log loaded');
    }
  }

  async function consume(opts: ConsumeOptions): Promise<BusConsumer> {
    if (!connected) throw new Error('bus is not connected');
    if (active.has(opts.group)) throw new Error(`group ${opts.group} already has a consumer in this process`);
    const durable = opts.from === 'earliest';
    const positions = committed.get(opts.group) ?? new Map<string, number>();
    if (durable) {
      // Registered before anything is read, so trimming keeps what this group has yet to consume.
      committed.set(opts.group, positions);
      for (const topic of opts.topics)
        partitionsOf(topic).forEach((p, i) => {
          const key = partitionKey(topic, i);
          if (!positions.has(key)) positions.set(key, p.base);
        });
      await saveOffsets();
    }
    let stopped = false;
    const wakers = new Set<() => void>();
    /** Waits for `ms`, or for new messages when `on` is given; stop() ends every wait. */
    const pause = (ms: number | null, on?: Partition) =>
      new Promise<void>((resolve) => {
        const timer = ms === null ? null : setTimeout(() => wake(), ms);
        const wake = () => {
          if (timer) clearTimeout(timer);
          wakers.delete(wake);
          on?.wake.delete(wake);
          resolve();
        };
        wakers.add(wake);
        on?.wake.add(wake);
      });

    const loop = async (topic: string, partition: number) => {
      const p = partitionsOf(topic)[partition]!;
      const key = partitionKey(topic, partition);
      const reader = { pos: durable ? Math.max(positions.get(key) ?? p.base, p.base) : end(p) };
      p.readers.add(reader);
      let failures = 0;
      try {
        while (!stopped) {
          if (reader.pos >= end(p)) {
            await pause(null, p);
            continue;
          }
          const from = reader.pos;
          const chunk: Delivery[] = p.entries
            .slice(from - p.base, from - p.base + opts.maxChunk)
            .map((e, i) => ({ topic, partition, offset: String(from + i), ...e }));
          try {
            await opts.handle(chunk);
            failures = 0;
          } catch (error) {
            failures++;
            const delay = Math.min(retryMs * 2 ** (failures - 1), 5_000);
            log.warn({ err: error, group: opts.group, topic, partition, offset: from, retryInMs: delay }, 'handler failed; delivering the chunk again');
            await pause(delay);
            continue;
          }
          reader.pos = from + chunk.length;
          if (durable) {
            positions.set(key, reader.pos);
            await saveOffsets();
          }
        }
      } finally {
        p.readers.delete(reader);
      }
    };

    const loops = opts.topics.flatMap((topic) => Array.from({ length: partitions }, (_, i) => loop(topic, i)));
    const handle: BusConsumer = {
      ready: () => !stopped,
      async stop() {
        if (stopped) return;
        stopped = true;
        for (const wake of [...wakers]) wake();
        await Promise.all(loops);
        active.delete(opts.group);
      },
    };
    active.set(opts.group, handle);
    return handle;
  }

  return {
    async connect() {
      if (connected) return;
      if (dir) await load();
      connected = true;
    },
    connected: () => connected,
    publish(records: BusRecord[]) {
      if (!connected) return Promise.reject(new Error('bus is not connected'));
      const grouped = new Map<string, Map<number, Entry[]>>();
      for (const { topic, key, value, headers } of records) {
        const partition = partitionOf(key, partitions);
        let byPartition = grouped.get(topic);
        if (!byPartition) grouped.set(topic, (byPartition = new Map()));
        let list = byPartition.get(partition);
        if (!list) byPartition.set(partition, (list = []));
        list.push(headers ? { key, value, headers } : { key, value });
      }
      const apply = () => {
        for (const [topic, byPartition] of grouped) for (const [partition, entries] of byPartition) append(topic, partition, entries);
      };
      if (!dir) {
        apply();
        return Promise.resolve();
      }
      // Writes are serialised so the file order is the offset order.
      const written = writing.then(async () => {
        for (const [topic, byPartition] of grouped) {
          const lines: string[] = [];
          for (const [partition, entries] of byPartition) {
            const p = partitionsOf(topic)[partition]!;
            entries.forEach((e, i) => lines.push(JSON.stringify({ p: partition, o: end(p) + i, ...e } satisfies StoredEntry)));
          }
          const fh = await fileOf(topic);
          await appendFile(fh, `${lines.join('\n')}\n`);
          await fh.datasync();
        }
        apply();
      });
      writing = written.catch(() => undefined);
      return written;
    },
    consume,
    async close() {
      await Promise.all([...active.values()].map((c) => c.stop()));
      await writing;
      await savingOffsets;
      for (const fh of files.values()) await fh.close();
      files.clear();
      connected = false;
    },
  };
}
