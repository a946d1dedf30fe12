import type { Resolvers } from '../generated/resolvers-types.ts';

export const resolvers: Resolvers = {
  Query: {
    events: (_p, _a, { store }) => store.listEvents(),
    event: async (_p, { id }, { store }) => (await store.getEvents([id])).get(id) ?? null,
  },
  Event: {
    __resolveReference: async (ref, { store }) => (await store.getEvents([ref.id])).get(ref.id) ?? null,
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
