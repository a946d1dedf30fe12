import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusConsumer, Delivery } from '@booking/service-kit';

/**
 * What the services rely on from a bus, checked against each implementation:
 * the in-process one in unit tests, Kafka in the end-to-end suite.
 */
export interface BusUnderTest {
  bus: Bus;
  /** A topic nobody else uses, existing with the production partition count. */
  topic(): Promise<string>;
  /** How long a consumer may take to join and deliver. */
  timeoutMs: number;
}

export function busContract(name: string, open: () => Promise<BusUnderTest>) {
  describe(`bus contract: ${name}`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    async function setup() {
      const t = await open();
      await t.bus.connect();
      cleanup.push(() => t.bus.close());
      return t;
    }

    async function collect(bus: Bus, opts: { topic: string; group: string; from: 'earliest' | 'latest'; fail?: (chunk: Delivery[]) => boolean }) {
      const got: Delivery[] = [];
      const consumer: BusConsumer = await bus.consume({
        group: opts.group,
        topics: [opts.topic],
        from: opts.from,
        maxChunk: 7,
        handle: async (chunk) => {
          if (opts.fail?.(chunk)) throw new Error('handler failed on purpose');
          got.push(...chunk);
        },
      });
      return { got, consumer };
    }

    const until = async (what: string, ok: () => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const records = (topic: string, keys: string[], perKey: number, from = 0) =>
      Array.from({ length: perKey }, (_, i) => keys.map((key) => ({ topic, key, value: JSON.stringify({ key, n: from + i }) }))).flat();

    it('delivers every message once per group, in order per key, and resumes a durable group where it committed', async () => {
      const { bus, topic, timeoutMs } = await setup();
      const name = await topic();
      const keys = ['event-a', 'event-b', 'event-c', 'event-d'];
      await bus.publish(records(name, keys, 25));
      const group = `g-${randomUUID()}`;
      const first = await collect(bus, { topic: name, group, from: 'earliest' });
      await until('100 messages', () => first.got.length >= 100, timeoutMs);
      await first.consumer.stop();
      await bus.publish(records(name, keys, 5, 25));
      const again = await collect(bus, { topic: name, group, from: 'earliest' });
      const other = await collect(bus, { topic: name, group: `g-${randomUUID()}`, from: 'earliest' });
      await until('the new messages', () => again.got.length >= 20 && other.got.length >= 120, timeoutMs);
      await new Promise((r) => setTimeout(r, 200));
      await again.consumer.stop();
      await other.consumer.stop();

      expect(first.got).toHaveLength(100);
      expect(again.got.map((d) => JSON.parse(d.value) as { n: number }).every((v) => v.n >= 25)).toBe(true);
      expect(again.got).toHaveLength(20);
      expect(other.got).toHaveLength(120);
      for (const key of keys) {
        const seq = [...first.got, ...again.got].filter((d) => d.key === key).map((d) => (JSON.parse(d.value) as { n: number }).n);
        expect(seq).toEqual(Array.from({ length: 30 }, (_, i) => i));
        expect(new Set([...first.got, ...again.got].filter((d) => d.key === key).map((d) => d.partition)).size).toBe(1);
      }
    });

    it('delivers a chunk again when its handler throws, losing nothing', async () => {
      const { bus, topic, timeoutMs } = await setup();
      const name = await topic();
      await bus.publish(records(name, ['k1', 'k2', 'k3'], 10));
      let failures = 0;
      const { got, consumer } = await collect(bus, {
        topic: name,
        group: `g-${randomUUID()}`,
        from: 'earliest',
        fail: (chunk) => chunk.some((d) => d.key === 'k2') && failures++ < 2,
      });
      await until('30 messages', () => got.length >= 30, timeoutMs);
      await consumer.stop();
      expect(failures).toBeGreaterThanOrEqual(2);
      const k2 = got.filter((d) => d.key === 'k2').map((d) => (JSON.parse(d.value) as { n: number }).n);
      expect(k2).toEqual(Array.from({ length: 10 }, (_, i) => i));
      expect(got).toHaveLength(30);
    });

    it('a live reader gets only what is published after it is ready, with headers', async () => {
      const { bus, topic, timeoutMs } = await setup();
      const name = await topic();
      await bus.publish(records(name, ['old'], 3));
      const live = await collect(bus, { topic: name, group: `live-${randomUUID()}`, from: 'latest' });
      await until('the reader to be ready', () => live.consumer.ready(), timeoutMs);
      await bus.publish([{ topic: name, key: 'new', value: 'x', headers: { reason: 'because' } }]);
      await until('the new message', () => live.got.length >= 1, timeoutMs);
      await live.consumer.stop();
      expect(live.got.map((d) => [d.key, d.value, d.headers?.reason])).toEqual([['new', 'x', 'because']]);
    });
  });
}
