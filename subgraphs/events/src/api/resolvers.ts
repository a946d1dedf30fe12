import { GraphQLError } from 'graphql';
import { ErrorCode, type SeatStatusMessage } from '@booking/contracts';
import type { Hub } from '@booking/service-kit';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { seatAfter, type EventDoc, type ReadStore } from '../read-model.ts';

const eventOf = async (store: ReadStore, id: string) => (await store.getEvents([id])).get(id) ?? null;

/**
 * How long a reference to an event the read model does not have yet waits
 * for it: an event created a moment ago (its `createEvent` answer) is
 * resolved here before the projector may have written it.
 */
const NEW_EVENT_WAIT_MS = 5000;

async function eventSoon(store: ReadStore, id: string): Promise<EventDoc | null> {
  const deadline = Date.now() + NEW_EVENT_WAIT_MS;
  for (;;) {
    const event = (await store.getEvents([id])).get(id);
    if (event || Date.now() >= deadline) return event ?? null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function createResolvers(changes: Hub<SeatStatusMessage>): Resolvers {
  return {
    Query: {
      events: (_p, _a, { store }) => store.listEvents(),
      event: (_p, { id }, { store }) => eventOf(store, id),
    },
    Subscription: {
      seatStatusChanged: {
        // Registered before it resolves: a change committed once the client is told nothing is missed by this instance.
        subscribe: async (_p, { eventId }, { store }) => {
          if (!(await eventOf(store, eventId))) {
            throw new GraphQLError(`event ${eventId} does not exist`, { extensions: { code: ErrorCode.EVENT_NOT_FOUND } });
          }
          return changes.subscribe(eventId);
        },
        resolve: (change: SeatStatusMessage) => change,
      },
    },
    SeatStatusChange: {
      seat: (change) => seatAfter(change),
      event: async (change, _a, { store }) => {
        const event = await eventOf(store, change.eventId);
        if (!event) throw new GraphQLError(`event ${change.eventId} does not exist`, { extensions: { code: ErrorCode.EVENT_NOT_FOUND } });
        return event;
      },
    },
    Event: {
      __resolveReference: (ref, { store }) => eventSoon(store, ref.id),
      id: (e) => e._id,
      startsAt: (e) => e.startsAt.toISOString(),
      seats: (e, { status }, { views }) => views.seats(e._id, status ?? undefined),
      seatMap: (e, { section }, { views }) => views.seatMap(e._id, section),
      availability: (e, _a, { store }) => store.availability(e._id),
    },
    Seat: {
      __resolveReference: async (ref, { store }) => (await store.seats(ref.eventId)).find((s) => s.seatId === ref.id) ?? null,
      id: (s) => s.seatId,
      bookedBy: (s, _a, { userId }) => (userId !== null && s.userId === userId ? userId : null),
    },
  };
}
