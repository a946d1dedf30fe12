import { EventChangedMessageSchema, SeatStatusMessageSchema, type SeatStatusMessage } from '@booking/contracts';
import type { Bus, BusConsumer, Delivery, Hub, Logger, Service } from '@booking/service-kit';
import type { EventDoc, ReadStore } from '../read-model.ts';

/**
 * Most seat changes applied per call. Large, so a burst costs one write per
 * touched block rather than one per block per 500 changes: on FerretDB a
 * block write costs 12-60 ms whatever its size (docs/adr/0011).
 */
const CHUNK = 10_000;

export interface ProjectorDeps {
  bus: Bus;
  group: string;
  store: ReadStore;
  topic: string;
  /** Events created or changed (`event-changes`); dead letters of both topics go to `deadLetterTopic`. */
  eventTopic: string;
  deadLetterTopic: string;
  log: Logger;
  /** Given each seat change by event id once the store has it, as the live read model's `changes` are (embedded mode's subscriptions read the same store). */
  changes?: Hub<SeatStatusMessage>;
}

/**
 * Applies `event-changes` and `seat-status` to the read model. Changes are idempotent by version,
 * so redelivery after a crash is harmless; the group's position moves only
 * after the write. The bus must be connected; its owner closes it.
 */
export function createProjector({ bus, group, store, topic, eventTopic, deadLetterTopic, log, changes: subscribers }: ProjectorDeps): Service & { isRunning(): boolean } {
  let consumers: BusConsumer[] = [];

  async function project(messages: Delivery[]) {
    const changes: SeatStatusMessage[] = [];
    const events: EventDoc[] = [];
    const bad: { message: Delivery; reason: string }[] = [];
    for (const message of messages) {
      try {
        const json: unknown = JSON.parse(message.value);
        if (message.topic === eventTopic) {
          const { eventId, startsAt, changedAt: _at, ...event } = EventChangedMessageSchema.parse(json);
          events.push({ _id: eventId, startsAt: new Date(startsAt), ...event });
        } else {
          changes.push(SeatStatusMessageSchema.parse(json));
        }
      } catch (error) {
        bad.push({ message, reason: (error as Error).message.slice(0, 500) });
      }
    }
    if (bad.length > 0) {
      await bus.publish(bad.map(({ message, reason }) => ({ topic: deadLetterTopic, key: message.key, value: message.value, headers: { reason, 'source-topic': message.topic } })));
      log.warn({ count: bad.length }, 'dead-lettered changes');
    }
    if (events.length > 0) log.info({ received: events.length, applied: await store.upsertEvents(events) }, 'event changes projected');
    if (changes.length === 0) return;
    const applied = await store.applySeatChanges(changes);
    if (subscribers) for (const change of changes) subscribers.publish(change.eventId, change);
    const newest = changes.reduce((t, c) => Math.max(t, Date.parse(c.changedAt)), 0);
    log.info({ partition: messages[0]!.partition, received: changes.length, applied, lagMs: newest ? Date.now() - newest : null }, 'seat changes projected');
  }

  return {
    isRunning: () => consumers.length === 2 && consumers.every((c) => c.ready()),
    async start() {
      // Events have a group of their own: a new event is not queued behind the seats of a large venue.
      consumers = [
        await bus.consume({ group: `${group}.events`, topics: [eventTopic], from: 'earliest', maxChunk: CHUNK, handle: project }),
        await bus.consume({ group, topics: [topic], from: 'earliest', maxChunk: CHUNK, handle: project }),
      ];
    },
    async stop() {
      await Promise.all(consumers.map((c) => c.stop()));
    },
  };
}
