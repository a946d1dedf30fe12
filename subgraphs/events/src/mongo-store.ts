import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Db } from 'mongodb';
import type { SeatStatus } from '@booking/contracts';
import { seatDocId, type Availability, type EventDoc, type ReadStore, type SeatDoc } from './read-model.ts';

/**
 * One document per event and one per seat, so a seat change rewrites one
 * small document whatever the venue's size. Only plain CRUD, indexes and
 * countDocuments are used: FerretDB v1 serves them as MongoDB does.
 */
export function createMongoReadStore(db: Db): ReadStore & { init(): Promise<void> } {
  const events = db.collection<EventDoc>('events');
  const seats = db.collection<SeatDoc>('seats');

  return {
    async init() {
      await seats.createIndex({ eventId: 1, order: 1 });
      await seats.createIndex({ eventId: 1, status: 1 });
    },
    listEvents: () => events.find().sort({ startsAt: 1, _id: 1 }).toArray(),
    async getEvents(ids) {
      const docs = await events.find({ _id: { $in: [...ids] } }).toArray();
      return new Map(docs.map((d) => [d._id, d]));
    },
    seats: (eventId, status?: SeatStatus) =>
      seats
        .find(status ? { eventId, status } : { eventId })
        .sort({ order: 1 })
        .toArray(),
    async availability(eventId): Promise<Availability> {
      const [available, held, booked] = await Promise.all(
        (['AVAILABLE', 'HELD', 'BOOKED'] as const).map((status) => seats.countDocuments({ eventId, status })),
      );
      return { total: available! + held! + booked!, available: available!, held: held!, booked: booked! };
    },
    async applySeatChanges(changes) {
      if (changes.length === 0) return 0;
      // Keep only the newest change per seat; the filter on version makes
      // replays and reordered deliveries no-ops.
      const newest = new Map<string, (typeof changes)[number]>();
      for (const c of changes) {
        const id = seatDocId(c.eventId, c.seatId);
        if ((newest.get(id)?.version ?? -1) < c.version) newest.set(id, c);
      }
      const ops: AnyBulkWriteOperation<SeatDoc>[] = [...newest].map(([id, c]) => ({
        updateOne: {
          filter: { _id: id, version: { $lt: c.version } },
          update: { $set: { status: c.status, version: c.version, bookingId: c.bookingId, userId: c.userId } },
        },
      }));
      const result = await seats.bulkWrite(ops, { ordered: false });
      return result.modifiedCount;
    },
    async upsertEvents(docs) {
      if (docs.length === 0) return 0;
      const result = await events.bulkWrite(
        docs.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })),
        { ordered: false },
      );
      return result.upsertedCount + result.modifiedCount;
    },
    async repairSeats(truth) {
      let written = 0;
      for (let i = 0; i < truth.length; i += 1000) {
        const chunk = truth.slice(i, i + 1000);
        const current = new Map(
          (await seats.find({ _id: { $in: chunk.map((s) => s._id) } }).toArray()).map((d) => [d._id, d]),
        );
        const ops = chunk
          .filter((s) => !sameSeat(current.get(s._id), s))
          // Never move a seat back: a newer version written meanwhile by the
          // projector makes the filter miss and the upsert hit a duplicate _id.
          .map((s) => ({ replaceOne: { filter: { _id: s._id, version: { $lte: s.version } }, replacement: s, upsert: true } }));
        if (ops.length === 0) continue;
        written += await bulkIgnoringDuplicates(seats, ops);
      }
      return written;
    },
    async ping() {
      try {
        await db.command({ ping: 1 });
        return true;
      } catch {
        return false;
      }
    },
  };
}

function sameSeat(a: SeatDoc | undefined, b: SeatDoc): boolean {
  return (
    !!a &&
    a.status === b.status &&
    a.version === b.version &&
    a.bookingId === b.bookingId &&
    a.userId === b.userId &&
    a.order === b.order &&
    a.section === b.section &&
    a.row === b.row
  );
}

const DUPLICATE_KEY = 11000;

async function bulkIgnoringDuplicates(collection: Collection<SeatDoc>, ops: AnyBulkWriteOperation<SeatDoc>[]): Promise<number> {
  try {
    const result = await collection.bulkWrite(ops, { ordered: false });
    return result.modifiedCount + result.upsertedCount;
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (errors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
    return error.result.modifiedCount + error.result.upsertedCount;
  }
}
