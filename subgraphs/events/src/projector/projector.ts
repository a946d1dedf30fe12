import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { SeatStatusMessageSchema, type SeatStatusMessage } from '@booking/contracts';
import type { Logger, Service } from '@booking/service-kit';
import type { ReadStore } from '../read-model.ts';

/** Seat changes applied between heartbeats. */
const CHUNK = 500;

export interface ProjectorDeps {
  consumer: Consumer;
  producer: Producer;
  store: ReadStore;
  topic: string;
  deadLetterTopic: string;
  log: Logger;
}

/**
 * Applies `seat-status` to the read model. Changes are idempotent by version,
 * so redelivery after a crash is harmless; offsets move only after the write.
 */
export function createProjector({ consumer, producer, store, topic, deadLetterTopic, log }: ProjectorDeps): Service & { isRunning(): boolean } {
  let joined = false;
  return {
    isRunning: () => joined,
    async start() {
      await producer.connect();
      await consumer.connect();
      consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
      consumer.on(consumer.events.CRASH, ({ payload }) => log.error({ err: payload.error }, 'projector consumer crashed'));
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
          // A backlog arrives as one large batch; applying it in chunks keeps
          // heartbeats flowing and lets offsets advance as work is done.
          for (let i = 0; i < batch.messages.length; i += CHUNK) {
            if (!isRunning() || isStale()) return;
            const messages = batch.messages.slice(i, i + CHUNK);
            const changes: SeatStatusMessage[] = [];
            const bad: { message: KafkaMessage; reason: string }[] = [];
            for (const message of messages) {
              try {
                changes.push(SeatStatusMessageSchema.parse(JSON.parse(message.value?.toString('utf8') ?? '')));
              } catch (error) {
                bad.push({ message, reason: (error as Error).message.slice(0, 500) });
              }
            }
            if (bad.length > 0) {
              await producer.send({
                topic: deadLetterTopic,
                messages: bad.map(({ message, reason }) => ({ key: message.key, value: message.value, headers: { reason, 'source-topic': topic } })),
              });
              log.warn({ count: bad.length }, 'dead-lettered seat changes');
            }
            const applied = await store.applySeatChanges(changes);
            const newest = changes.reduce((t, c) => Math.max(t, Date.parse(c.changedAt)), 0);
            log.info({ partition: batch.partition, received: changes.length, applied, lagMs: newest ? Date.now() - newest : null }, 'seat changes projected');
            resolveOffset(messages[messages.length - 1]!.offset);
            await commitOffsetsIfNecessary();
            await heartbeat();
          }
        },
      });
    },
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
