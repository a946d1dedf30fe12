import type { Bus, BusConsumer } from './bus.ts';
import type { Hub } from './hub.ts';
import type { Logger } from './logger.ts';

export interface LiveFeedOptions<T> {
  bus: Bus;
  topic: string;
  /** A group of this instance alone, so every instance sees every message. */
  group: string;
  /** Validates a message's JSON; throwing skips it. */
  parse(json: unknown): T;
  /** The hub key a value is published under (event id, booking id). */
  key(value: T): string;
  hub: Hub<T>;
  log: Logger;
}

/**
 * Reads one topic as a live reader (starts at the end, commits nothing) and
 * publishes every message to an in-process hub, so any number of instances
 * each serve their own subscribers without a shared in-memory bus.
 */
export function createLiveFeed<T>(opts: LiveFeedOptions<T>) {
  let consumer: BusConsumer | null = null;
  return {
    /** A change published from now on reaches this instance's subscribers. */
    ready: () => consumer?.ready() ?? false,
    async start() {
      consumer = await opts.bus.consume({
        group: opts.group,
        topics: [opts.topic],
        from: 'latest',
        maxChunk: 500,
        handle: async (chunk) => {
          for (const message of chunk) {
            let value: T;
            try {
              value = opts.parse(JSON.parse(message.value));
            } catch (error) {
              // Subscribers lose nothing they could use; the projector dead-letters these.
              opts.log.warn({ err: error, topic: message.topic, offset: message.offset }, 'unreadable change skipped');
              continue;
            }
            opts.hub.publish(opts.key(value), value);
          }
        },
      });
    },
    async stop() {
      await consumer?.stop();
    },
  };
}
export type LiveFeed = ReturnType<typeof createLiveFeed>;
