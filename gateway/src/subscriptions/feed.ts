import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { BookingStatusMessageSchema, SeatStatusMessageSchema, type BookingStatusMessage, type SeatStatusMessage, type Topics } from '@booking/contracts';
import type { Logger } from '@booking/service-kit';
import type { Hub } from './hub.ts';

/**
 * Every gateway instance reads every `seat-status` and `booking-status`
 * message itself (a consumer group of its own, starting at the end, no
 * offsets committed), so any number of gateways each serve their own
 * subscribers without a shared in-memory bus.
 */
export function createKafkaFeed(
  kafka: Kafka,
  topics: Pick<Topics, 'seatStatus' | 'bookingStatus'>,
  prefix: string,
  hubs: { seats: Hub<SeatStatusMessage>; bookings: Hub<BookingStatusMessage> },
  log: Logger,
) {
  const consumer = kafka.consumer({ groupId: `${prefix}gateway-feed-${randomUUID()}`, maxWaitTimeInMs: 20, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  let joined = false;
  return {
    ready: () => joined,
    async start() {
      await consumer.connect();
      // Ready after the first fetch, when the starting offsets are fixed: a
      // change committed from then on reaches this instance's subscribers.
      consumer.on(consumer.events.FETCH, () => (joined = true));
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        joined = false;
        log.error({ err: payload.error }, 'subscription feed crashed');
      });
      await consumer.subscribe({ topics: [topics.seatStatus, topics.bookingStatus], fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, message }) => {
          try {
            const json: unknown = JSON.parse(message.value?.toString('utf8') ?? '');
            if (topic === topics.seatStatus) {
              const change = SeatStatusMessageSchema.parse(json);
              hubs.seats.publish(change.eventId, change);
            } else {
              const update = BookingStatusMessageSchema.parse(json);
              hubs.bookings.publish(update.bookingId, update);
            }
          } catch (error) {
            // Subscribers lose nothing they could use; the projector dead-letters these.
            log.warn({ err: error, topic, offset: message.offset }, 'unreadable change skipped');
          }
        },
      });
    },
    async stop() {
      await consumer.disconnect();
    },
  };
}
