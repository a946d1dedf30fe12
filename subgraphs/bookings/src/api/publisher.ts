import type { Bus } from '@booking/service-kit';
import type { BookingRequestPublisher, WorkItem } from '@booking/booking-core';
import { PUBLISH_LINGER_MS } from '../config.ts';

interface Waiting {
  message: WorkItem;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Sends waiting requests in one produce call. Kafka's idempotent producer
 * allows one request in flight per broker, so while a call is out, every
 * request that arrives waits for it and goes in the next call: the batch
 * grows with the load and the broker round trip, instead of each request (or
 * each `lingerMs` window) queueing for a round trip of its own. An idle
 * publisher waits `lingerMs` for company before sending: at a steady rate
 * that is what makes batches, and each produce call costs the broker and
 * this process far more than the messages in it.
 */
export function createBatchingPublisher(bus: Pick<Bus, 'publish'>, topic: string, { maxBatch = 1000, lingerMs = PUBLISH_LINGER_MS } = {}): BookingRequestPublisher & {
  flush(): Promise<void>;
} {
  let queue: Waiting[] = [];
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;

  const pump = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (inFlight || queue.length === 0) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    inFlight = (async () => {
      try {
        await bus.publish(batch.map(({ message }) => ({ topic, key: message.eventId, value: JSON.stringify(message) })));
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      } finally {
        inFlight = null;
        pump();
      }
    })();
  };

  return {
    publish(message) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ message, resolve, reject });
        if (queue.length >= maxBatch) pump();
        else if (!inFlight) timer ??= setTimeout(pump, lingerMs);
      });
    },
    async flush() {
      pump();
      while (inFlight) await inFlight;
    },
  };
}
