import { SeatStatusMessageSchema, type SeatStatusMessage } from '@booking/contracts';
import type { Bus, BusConsumer, Delivery, Logger, Service } from '@booking/service-kit';
import type { ReadStore } from '../read-model.ts';

/** Seat changes applied per write. */
const CHUNK = 500;

export interface ProjectorDeps {
  bus: Bus;
  group: string;
  store: ReadStore;
  topic: string;
  deadLetterTopic: string;
  log: Logger;
}

/**
 * Applies `seat-status` to the read model. Changes are idempotent by version,
 * so redelivery after a crash is harmless; the group's position moves only
 * after the write. The bus must be connected; its owner closes it.
 */
export function createProjector({ bus, group, store, topic, deadLetterTopic, log }: ProjectorDeps): Service & { isRunning(): boolean } {
  let consumer: BusConsumer | null = null;

  async function project(messages: Delivery[]) {
    const changes: SeatStatusMessage[] = [];
    const bad: { message: Delivery; reason: string }[] = [];
    for (const message of messages) {
      try {
        changes.push(SeatStatusMessageSchema.parse(JSON.parse(message.value)));
      } catch (error) {
        bad.push({ message, reason: (error as Error).message.slice(0, 500) });
      }
    }
    if (bad.length > 0) {
      await bus.publish(bad.map(({ message, reason }) => ({ topic: deadLetterTopic, key: message.key, value: message.value, headers: { reason, 'source-topic': topic } })));
      log.warn({ count: bad.length }, 'dead-lettered seat changes');
    }
    const applied = await store.applySeatChanges(changes);
    const newest = changes.reduce((t, c) => Math.max(t, Date.parse(c.changedAt)), 0);
    log.info({ partition: messages[0]!.partition, received: changes.length, applied, lagMs: newest ? Date.now() - newest : null }, 'seat changes projected');
  }

  return {
    isRunning: () => consumer?.ready() ?? false,
    async start() {
      consumer = await bus.consume({ group, topics: [topic], from: 'earliest', maxChunk: CHUNK, handle: project });
    },
    async stop() {
      await consumer?.stop();
    },
  };
}
