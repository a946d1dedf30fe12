import { BookingStatusMessageSchema, SeatStatusMessageSchema, type BookingStatusMessage, type SeatStatusMessage, type Topics } from '@booking/contracts';
import type { Bus, BusConsumer, Logger } from '@booking/service-kit';
import type { Hub } from './hub.ts';

/**
 * Every gateway instance reads every `seat-status` and `booking-status`
 * message itself (a group of its own, a live reader that starts at the end
 * and commits nothing), so any number of gateways each serve their own
 * subscribers without a shared in-memory bus between processes.
 */
export function createSubscriptionFeed(
  bus: Bus,
  topics: Pick<Topics, 'seatStatus' | 'bookingStatus'>,
  group: string,
  hubs: { seats: Hub<SeatStatusMessage>; bookings: Hub<BookingStatusMessage> },
  log: Logger,
) {
  let consumer: BusConsumer | null = null;
  return {
    /** A change committed from now on reaches this instance's subscribers. */
    ready: () => consumer?.ready() ?? false,
    async start() {
      consumer = await bus.consume({
        group,
        topics: [topics.seatStatus, topics.bookingStatus],
        from: 'latest',
        maxChunk: 500,
        handle: async (chunk) => {
          for (const message of chunk) {
            try {
              const json: unknown = JSON.parse(message.value);
              if (message.topic === topics.seatStatus) {
                const change = SeatStatusMessageSchema.parse(json);
                hubs.seats.publish(change.eventId, change);
              } else {
                const update = BookingStatusMessageSchema.parse(json);
                hubs.bookings.publish(update.bookingId, update);
              }
            } catch (error) {
              // Subscribers lose nothing they could use; the projector dead-letters these.
              log.warn({ err: error, topic: message.topic, offset: message.offset }, 'unreadable change skipped');
            }
          }
        },
      });
    },
    async stop() {
      await consumer?.stop();
    },
  };
}
