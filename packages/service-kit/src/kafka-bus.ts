import type { ConsumerConfig, Kafka, KafkaMessage } from 'kafkajs';
import type { Bus, BusConsumer, ConsumeOptions, Delivery } from './bus.ts';
import { createProducer } from './kafka.ts';
import type { Logger } from './logger.ts';

export interface KafkaBusOptions {
  /** Consumer settings for this process's role (timeouts, fetch sizes). */
  consumer?: Omit<ConsumerConfig, 'groupId'>;
  /** Partitions a consumer handles at the same time. */
  partitionsConsumedConcurrently?: number;
}

/**
 * Consumer settings of a process that keeps a live view of a topic (the API
 * services' feeds). The broker answers a fetch as soon as one message is
 * there, so the wait only bounds how often an idle reader asks again: at 20 ms
 * the idle stack's readers kept Kafka and themselves busy with 50 empty
 * fetches a second each.
 */
export const LIVE_READER_CONSUMER: Omit<ConsumerConfig, 'groupId'> = {
  maxWaitTimeInMs: 250,
  sessionTimeout: 10_000,
  heartbeatInterval: 1_000,
};

const toDelivery = (topic: string, partition: number, m: KafkaMessage): Delivery => {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
  return { topic, partition, offset: m.offset, key: m.key?.toString('utf8') ?? '', value: m.value?.toString('utf8') ?? '', headers };
};

/** The bus over Kafka: an idempotent producer, and one kafkajs consumer per consume(). */
export function createKafkaBus(kafka: Kafka, log: Logger, options: KafkaBusOptions = {}): Bus {
  const producer = createProducer(kafka);
  let producerUp = false;
  producer.on(producer.events.CONNECT, () => (producerUp = true));
  producer.on(producer.events.DISCONNECT, () => (producerUp = false));
  const consumers = new Set<BusConsumer>();

  async function consume(opts: ConsumeOptions): Promise<BusConsumer> {
    const consumer = kafka.consumer({ ...options.consumer, groupId: opts.group });
    const durable = opts.from === 'earliest';
    let fetching = false;
    // Ready after a fetch, when the starting offsets are fixed: a message
    // published from then on is delivered.
    consumer.on(consumer.events.FETCH, () => (fetching = true));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      fetching = false;
      log.error({ err: payload.error, group: opts.group, restart: payload.restart }, 'consumer crashed');
    });
    await consumer.connect();
    await consumer.subscribe({ topics: opts.topics, fromBeginning: durable });
    await consumer.run({
      autoCommit: durable,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        // A backlog arrives as one large batch; handling it in chunks keeps
        // heartbeats flowing and lets offsets advance as work is done.
        for (let i = 0; i < batch.messages.length; i += opts.maxChunk) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(i, i + opts.maxChunk);
          await opts.handle(chunk.map((m) => toDelivery(batch.topic, batch.partition, m)));
          resolveOffset(chunk[chunk.length - 1]!.offset);
          if (durable) await commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
    const handle: BusConsumer = {
      ready: () => fetching,
      async stop() {
        consumers.delete(handle);
        fetching = false;
        await consumer.disconnect();
      },
    };
    consumers.add(handle);
    return handle;
  }

  return {
    connect: () => producer.connect(),
    connected: () => producerUp,
    async publish(records) {
      if (records.length === 0) return;
      const byTopic = new Map<string, { key: string; value: string; headers?: Record<string, string> }[]>();
      for (const { topic, key, value, headers } of records) {
        let list = byTopic.get(topic);
        if (!list) byTopic.set(topic, (list = []));
        list.push(headers ? { key, value, headers } : { key, value });
      }
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    },
    consume,
    async close() {
      await Promise.all([...consumers].map((c) => c.stop()));
      await producer.disconnect();
    },
  };
}
