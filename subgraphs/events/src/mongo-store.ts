import type { Db } from 'mongodb';
import type { SeatStatus } from '@booking/contracts';
import type { Availability, EventDoc, ReadStore, SeatDoc } from './read-model.ts';

type BlockSeat = Omit<SeatDoc, 'eventId' | 'section' | 'row'>;

/**
 * Seats are stored a row at a time: one document per (event, section, row).
 * A seat change rewrites one small document whatever the venue's size, and
 * the block carries its own status counts so availability is a sum over rows
 * rather than a scan over seats. Each block has a revision that every write
 * increments; writers merge by seat version and detect a concurrent write by
 * the revision (see mergeIntoBlock and projectIntoBlock).
 */
export interface SeatBlock {
  _id: string;
  eventId: string;
  section: string;
  row: string;
  /** Order of the block's first seat, to sort blocks in venue order. */
  order: number;
  rev: number;
  seats: BlockSeat[];
  counts: Record<SeatStatus, number>;
}

/**
 * A block as stored: its seats are one string, the JSON of a
 * [seatId, order, status, version, bookingId, userId] tuple per seat. FerretDB
 * v1 converts every field of a document on each read and write, so 50 seat
 * objects cost ~75 ms of its CPU per block write and one string ~6 ms
 * (docs/adr/0013). Blocks written with seat objects are still read.
 */
type StoredBlock = Omit<SeatBlock, 'seats'> & { seats: string | BlockSeat[] };
type SeatTuple = [string, number, SeatStatus, number, string | null, string | null];

const encodeSeats = (seats: BlockSeat[]) =>
  JSON.stringify(seats.map<SeatTuple>((s) => [s.seatId, s.order, s.status, s.version, s.bookingId, s.userId]));

function decodeSeats(seats: StoredBlock['seats']): BlockSeat[] {
  if (typeof seats !== 'string') return seats;
  return (JSON.parse(seats) as SeatTuple[]).map(([seatId, order, status, version, bookingId, userId]) => ({ seatId, order, status, version, bookingId, userId }));
}

const decodeBlock = (stored: StoredBlock | null): SeatBlock | null => stored && { ...stored, seats: decodeSeats(stored.seats) };

const blockId = (eventId: string, section: string, row: string) => `${eventId}|${section}|${row}`;
const blockCollection = (eventId: string) => `seat_blocks.${eventId}`;

const STATUSES: SeatStatus[] = ['AVAILABLE', 'HELD', 'BOOKED'];
const DUPLICATE_KEY = 11000;
const MAX_ATTEMPTS = 20;
/** Blocks written at once by one projector. */
const BLOCK_WRITERS = 8;
/** Blocks the projector keeps in memory; 1,000 rows of 50 are a 50,000-seat venue. */
const MAX_OWNED_BLOCKS = 20_000;

function countStatuses(seats: BlockSeat[]): Record<SeatStatus, number> {
  const counts = { AVAILABLE: 0, HELD: 0, BOOKED: 0 };
  for (const s of seats) counts[s.status]++;
  return counts;
}

const sameSeat = (a: BlockSeat, b: BlockSeat) =>
  a.status === b.status && a.version === b.version && a.bookingId === b.bookingId && a.userId === b.userId && a.order === b.order;

/** The block's seats with `incoming` merged in, or null when nothing changes. */
function merge(current: SeatBlock | null | undefined, incoming: BlockSeat[], accept: (stored: BlockSeat | undefined, next: BlockSeat) => boolean) {
  const byId = new Map((current?.seats ?? []).map((s) => [s.seatId, s]));
  let changed = 0;
  for (const seat of incoming) {
    const stored = byId.get(seat.seatId);
    if (accept(stored, seat) && !(stored && sameSeat(stored, seat))) {
      byId.set(seat.seatId, seat);
      changed++;
    }
  }
  return changed === 0 ? null : { changed, seats: [...byId.values()].sort((a, b) => a.order - b.order) };
}

const body = (seats: BlockSeat[]) => ({ counts: countStatuses(seats), order: seats[0]!.order });
/** The fields a write sets: the stored form of `seats` with their counts. */
const storedBody = (seats: BlockSeat[]) => ({ seats: encodeSeats(seats), ...body(seats) });


/**
 * Only single-document reads and writes, `$in` and plain finds are used, so
 * MongoDB and FerretDB v1 (no transactions, no arrayFilters) behave the same.
 */
export function createMongoReadStore(db: Db): ReadStore & { init(): Promise<void> } {
  const events = db.collection<EventDoc>('events');
  // One collection per event: a venue's reads and writes never touch another
  // event's seats (FerretDB v1 scans a whole collection for any filter but a
  // single _id, so this also keeps its cost per event).
  const blocksOf = (eventId: string) => db.collection<StoredBlock>(blockCollection(eventId));
  /** Blocks as the projector last wrote them (see projectIntoBlock). */
  const owned = new Map<string, SeatBlock>();

  /**
   * Merges `incoming` seats into one block with optimistic concurrency and
   * returns how many seats changed. `accept(stored, incoming)` decides per seat.
   * Used by writers other than the projector (the reconciler): they compare
   * the revision and retry when they lost.
   */
  async function mergeIntoBlock(
    key: { eventId: string; section: string; row: string },
    incoming: BlockSeat[],
    accept: (stored: BlockSeat | undefined, next: BlockSeat) => boolean,
  ): Promise<number> {
    const _id = blockId(key.eventId, key.section, key.row);
    const blocks = blocksOf(key.eventId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = decodeBlock(await blocks.findOne({ _id }));
      const merged = merge(current, incoming, accept);
      if (!merged) return 0;
      if (!current) {
        if (await insertBlock(key, merged.seats)) return merged.changed;
        continue; // created meanwhile: merge again
      }
      const result = await blocks.updateOne({ _id, rev: current.rev }, { $set: storedBody(merged.seats), $inc: { rev: 1 } });
      if (result.matchedCount === 1) return merged.changed;
    }
    throw new Error(`seat block ${_id} kept changing under ${MAX_ATTEMPTS} attempts`);
  }

  /**
   * The projector's write: the one writer of an event's blocks (an event's
   * changes share one Kafka partition, and a partition has one consumer), so
   * it keeps the blocks it wrote and merges into them without reading first.
   * The filter is `_id` alone (FerretDB v1 serves only a bare `_id` filter
   * without scanning the collection, docs/adr/0001); the write returns the
   * block as it was, and when another writer (the reconciler) changed it
   * since, the projector merges into that and writes again at once.
   */
  async function projectIntoBlock(key: { eventId: string; section: string; row: string }, incoming: BlockSeat[]): Promise<number> {
    const _id = blockId(key.eventId, key.section, key.row);
    const blocks = blocksOf(key.eventId);
    const newer = (stored: BlockSeat | undefined, next: BlockSeat) => !stored || stored.version < next.version;
    let current = owned.get(_id) ?? decodeBlock(await blocks.findOne({ _id }));
    // Set when our last write replaced another writer's: theirs must be written back, with ours on top.
    let overwrote = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const merged = merge(current, incoming, newer);
      if (!merged && !overwrote) {
        if (current) own(current);
        return 0;
      }
      const changed = merged?.changed ?? 0;
      if (!current) {
        if (await insertBlock(key, merged!.seats)) {
          own({ _id, ...key, rev: 1, seats: merged!.seats, ...body(merged!.seats) });
          return changed;
        }
        current = decodeBlock(await blocks.findOne({ _id }));
        continue;
      }
      const seats = merged?.seats ?? current.seats;
      const before = await blocks.findOneAndUpdate({ _id }, { $set: storedBody(seats), $inc: { rev: 1 } }, { returnDocument: 'before' });
      if (before && before.rev === current.rev) {
        own({ ...current, seats, ...body(seats), rev: current.rev + 1 });
        return changed;
      }
      owned.delete(_id);
      if (!before) {
        current = null; // removed meanwhile: nothing was written
        overwrote = false;
        continue;
      }
      // Another writer (the reconciler) wrote since we last saw the block.
      current = { ...decodeBlock(before)!, rev: before.rev + 1 };
      overwrote = true;
    }
    throw new Error(`seat block ${_id} kept changing under ${MAX_ATTEMPTS} attempts`);
  }

  function own(block: SeatBlock) {
    if (owned.size >= MAX_OWNED_BLOCKS) owned.clear();
    owned.set(block._id, block);
  }

  async function insertBlock(key: { eventId: string; section: string; row: string }, seats: BlockSeat[]): Promise<boolean> {
    try {
      await blocksOf(key.eventId).insertOne({ _id: blockId(key.eventId, key.section, key.row), ...key, rev: 1, ...storedBody(seats) });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  function groupByBlock<T extends { eventId: string; section: string; row: string }>(items: readonly T[]) {
    const groups = new Map<string, { key: { eventId: string; section: string; row: string }; items: T[] }>();
    for (const item of items) {
      const id = blockId(item.eventId, item.section, item.row);
      const group = groups.get(id) ?? { key: { eventId: item.eventId, section: item.section, row: item.row }, items: [] };
      group.items.push(item);
      groups.set(id, group);
    }
    return [...groups.values()];
  }

  return {
    async init() {
      await events.createIndex({ startsAt: 1 });
    },
    listEvents: () => events.find().sort({ startsAt: 1, _id: 1 }).toArray(),
    async getEvents(ids) {
      const docs = await events.find({ _id: { $in: [...ids] } }).toArray();
      return new Map(docs.map((d) => [d._id, d]));
    },
    async seats(eventId, status?: SeatStatus) {
      const rows = (await blocksOf(eventId).find().toArray()).sort((a, b) => a.order - b.order);
      return rows.flatMap((b) =>
        decodeSeats(b.seats).filter((s) => !status || s.status === status).map((s) => ({ ...s, eventId, section: b.section, row: b.row })),
      );
    },
    async availability(eventId): Promise<Availability> {
      const rows = await blocksOf(eventId).find({}, { projection: { counts: 1 } }).toArray();
      const sum = (status: SeatStatus) => rows.reduce((n, b) => n + (b.counts[status] ?? 0), 0);
      const [available, held, booked] = STATUSES.map(sum) as [number, number, number];
      return { total: available + held + booked, available, held, booked };
    },
    async applySeatChanges(changes) {
      // Blocks are separate documents, written a few at a time. Replays and
      // reordered deliveries carry versions we already have: no-ops.
      const counts = await mapLimit(groupByBlock(changes), BLOCK_WRITERS, ({ key, items }) =>
        projectIntoBlock(
          key,
          newestPerSeat(items.map<BlockSeat>((c) => ({ seatId: c.seatId, order: c.position, status: c.status, version: c.version, bookingId: c.bookingId, userId: c.userId }))),
        ),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
    async upsertEvents(docs) {
      if (docs.length === 0) return 0;
      // Only the newest version is written: a replayed change cannot move an event back.
      const stored = new Map((await events.find({ _id: { $in: docs.map((d) => d._id) } }, { projection: { version: 1 } }).toArray()).map((d) => [d._id, d.version ?? 0]));
      const newer = docs.filter((d) => (stored.get(d._id) ?? -1) <= d.version);
      if (newer.length === 0) return 0;
      const result = await events.bulkWrite(
        newer.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })),
        { ordered: false },
      );
      return result.upsertedCount + result.modifiedCount;
    },
    async repairSeats(truth) {
      let changed = 0;
      for (const { key, items } of groupByBlock(truth)) {
        const incoming = items.map<BlockSeat>(({ eventId: _e, section: _s, row: _r, ...seat }) => seat);
        // A newer version written meanwhile by the projector wins over the snapshot.
        changed += await mergeIntoBlock(key, incoming, (stored, next) => !stored || stored.version <= next.version);
      }
      return changed;
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

/**
 * `fn` over `items`, at most `limit` at a time. After a failure no further
 * item starts, and the first error is thrown only once every started call has
 * settled: a retry of the same items never runs beside writes of this call.
 */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

function newestPerSeat(seats: BlockSeat[]): BlockSeat[] {
  const newest = new Map<string, BlockSeat>();
  for (const s of seats) if ((newest.get(s.seatId)?.version ?? -1) < s.version) newest.set(s.seatId, s);
  return [...newest.values()];
}
