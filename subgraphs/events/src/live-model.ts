import { EventChangedMessageSchema, SeatStatusMessageSchema, type SeatStatusMessage } from '@booking/contracts';
import { createHub, type Bus, type BusConsumer, type Hub, type Logger, type Service } from '@booking/service-kit';
import { createMemoryReadStore, type MemoryReadStore } from './memory-store.ts';
import type { EventDoc, ReadStore } from './read-model.ts';

export interface LiveReadModelDeps {
  /** The durable read model (MongoDB), written by the projector: the cold-start source. */
  durable: ReadStore;
  bus: Bus;
  topic: string;
  /** Events created or changed (`event-changes`). */
  eventTopic: string;
  /** A group of this instance's own: a live reader that commits nothing. */
  group: string;
  log: Logger;
  /** How often the event list is read again from the durable copy, to pick up new events. */
  refreshMs: number;
  /** How often every event's seats are merged again from the durable copy. */
  resyncMs: number;
}

const JOIN_TIMEOUT_MS = 30_000;

/**
 * The read model of one events instance, in memory: loaded from the durable
 * copy, then kept current by reading `seat-status` and `event-changes` itself, as every gateway
 * reads it for subscriptions. Changes and loads both merge by seat version,
 * so their order does not matter and a seat never moves backwards.
 *
 * The same reader feeds this instance's `seatStatusChanged` subscribers
 * (`changes`, by event id), each chunk once the store has it: one fetch and
 * one parse per change for both, and a subscriber told of a change reads
 * a store that already shows it.
 *
 * The reader joins before the first load, so a change committed after that
 * reaches this instance either way. A change published before it joined but
 * projected only after the load is picked up by the next full merge
 * (`resyncMs`), as is anything missed while the reader was rejoining.
 */
export function createLiveReadModel(deps: LiveReadModelDeps): Service & { store: MemoryReadStore; changes: Hub<SeatStatusMessage>; ready(): boolean } {
  const { durable, bus, log } = deps;
  const store = createMemoryReadStore();
  const changes = createHub<SeatStatusMessage>();
  const known = new Set<string>();
  let consumer: BusConsumer | null = null;
  let loaded = false;
  let timer: NodeJS.Timeout | null = null;
  let lastFull = 0;
  let refreshing: Promise<void> = Promise.resolve();

  async function apply(chunk: { topic: string; value: string; offset: string }[]) {
    const seats: SeatStatusMessage[] = [];
    const events: EventDoc[] = [];
    for (const message of chunk) {
      try {
        const json: unknown = JSON.parse(message.value);
        if (message.topic === deps.eventTopic) {
          const { eventId, startsAt, changedAt: _at, ...event } = EventChangedMessageSchema.parse(json);
          events.push({ _id: eventId, startsAt: new Date(startsAt), ...event });
        } else {
          seats.push(SeatStatusMessageSchema.parse(json));
        }
      } catch (error) {
        // The projector dead-letters these; nothing here could use them.
        log.warn({ err: error, topic: message.topic, offset: message.offset }, 'unreadable change skipped');
      }
    }
    // Events first, so a new event's seats have their event when they arrive.
    await store.upsertEvents(events);
    await store.applySeatChanges(seats);
    for (const change of seats) changes.publish(change.eventId, change);
  }

  /** Merges the durable copy: new events always, every event's seats when `full`. */
  async function refresh(full: boolean) {
    const started = Date.now();
    const events = await durable.listEvents();
    await store.upsertEvents(events);
    let seats = 0;
    let changed = 0;
    for (const event of events) {
      if (!full && known.has(event._id)) continue;
      const truth = await durable.seats(event._id);
      seats += truth.length;
      changed += await store.repairSeats(truth);
      known.add(event._id);
    }
    if (full) lastFull = started;
    if (full || changed > 0) log.info({ events: events.length, seats, changed, full, ms: Date.now() - started }, 'read model merged from the durable copy');
  }

  function schedule() {
    timer = setTimeout(() => {
      refreshing = refresh(Date.now() - lastFull >= deps.resyncMs)
        .catch((error: unknown) => log.warn({ err: error }, 'read model refresh failed; next try on schedule'))
        .finally(() => timer && schedule());
    }, deps.refreshMs);
    timer.unref();
  }

  return {
    store,
    changes,
    ready: () => loaded && (consumer?.ready() ?? false),
    async start() {
      consumer = await bus.consume({ group: deps.group, topics: [deps.eventTopic, deps.topic], from: 'latest', maxChunk: 1000, handle: apply });
      const joinBy = Date.now() + JOIN_TIMEOUT_MS;
      while (!consumer.ready() && Date.now() < joinBy) await new Promise((r) => setTimeout(r, 50));
      if (!consumer.ready()) log.warn('seat-status reader not joined yet; loading the durable copy anyway');
      await refresh(true);
      loaded = true;
      schedule();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await refreshing;
      await consumer?.stop();
    },
  };
}
