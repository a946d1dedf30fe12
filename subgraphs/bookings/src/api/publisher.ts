import type { Bus } from '@booking/service-kit';
import type { BookingRequestPublisher, WorkItem } from '@booking/booking-core';

interface Waiting {
  message: WorkItem;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers requests for up to `lingerMs` and sends them in one produce call.
 * Kafka's idempotent producer allows one request in flight per broker, so
 * sending one message per call would cap intake at one broker round-trip per
 * request.
 */
export function createBatchingPublisher(bus: Pick<Bus, 'publish'>, topic: string, { maxBatch = 500, lingerMs = 2 } = {}): BookingRequestPublisher & {
  flush(): Promise<void>;
} {
  let queue: Waiting[] = [];
  let timer: NodeJS.Timeout | null = null;
  let sending: Promise<void> = Promise.resolve();

  const send = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return sending;
    sending = sending.then(async () => {
      try {
        await bus.publish(batch.map(({ message }) => ({ topic, key: message.eventId, value: JSON.stringify(message) })));
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    });
    return sending;
  };

  return {
    publish(message) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ message, resolve, reject });
        if (queue.length >= maxBatch) void send();
        else timer ??= setTimeout(() => void send(), lingerMs);
      });
    },
    flush: () => send(),
  };
}
