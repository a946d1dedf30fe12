import type { Resolvers } from '../generated/resolvers-types.ts';
import type { EventDoc, ReadStore } from '../read-model.ts';

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

export const resolvers: Resolvers = {
  Query: {
    events: (_p, _a, { store }) => store.listEvents(),
    event: async (_p, { id }, { store }) => (await store.getEvents([id])).get(id) ?? null,
  },
  Event: {
    __resolveReference: (ref, { store }) => eventSoon(store, ref.id),
    id: (e) => e._id,
    startsAt: (e) => e.startsAt.toISOString(),
    seats: (e, { status }, { store }) => store.seats(e._id, status ?? undefined),
    availability: (e, _a, { store }) => store.availability(e._id),
  },
  Seat: {
    id: (s) => s.seatId,
    bookedBy: (s, _a, { userId }) => (userId !== null && s.userId === userId ? userId : null),
  },
};
