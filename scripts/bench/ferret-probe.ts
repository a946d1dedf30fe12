/**
 * Diagnostic: what the read model's access patterns cost on the local
 * MongoDB-compatible store (FerretDB). Builds a throw-away database with one
 * venue of seat blocks (rows of 50 seats, as the projector writes them) and
 * times the calls the projector and the availability query make, with a
 * block's seats as objects and in the stored form (one string).
 *
 *   npx tsx scripts/bench/ferret-probe.ts [--blocks 200] [--ops 50]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { serviceEnv } from '@booking/testkit';

const { values } = parseArgs({ options: { blocks: { type: 'string', default: '200' }, ops: { type: 'string', default: '50' } } });
const blocks = Number(values.blocks);
const ops = Number(values.ops);
const client = await new MongoClient(serviceEnv().mongoUrl).connect();
const db = client.db(`benchprobe_${randomBytes(3).toString('hex')}`);
try {
  const col = db.collection<{ _id: string; rev: number; seats: object[]; counts: Record<string, number> }>('seat_blocks.probe');
  const docs = Array.from({ length: blocks }, (_, b) => ({
    _id: `probe|A|${b + 1}`,
    eventId: 'probe',
    section: 'A',
    row: String(b + 1),
    order: b * 50,
    rev: 1,
    seats: Array.from({ length: 50 }, (_, s) => ({ seatId: `A_R${b + 1}_S${s + 1}`, order: b * 50 + s, status: 'AVAILABLE', version: 1, bookingId: null, userId: null })),
    counts: { AVAILABLE: 50, HELD: 0, BOOKED: 0 },
  }));
  await col.insertMany(docs);
  const time = async (label: string, fn: (i: number) => Promise<unknown>, n = ops) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await fn(i);
    const ms = (performance.now() - t) / n;
    process.stdout.write(`${label.padEnd(58)} ${ms.toFixed(2).padStart(8)} ms/op\n`);
  };
  const id = (i: number) => `probe|A|${(i % blocks) + 1}`;
  process.stdout.write(`collection of ${blocks} blocks x 50 seats\n`);
  await time('ping (round trip)', () => db.command({ ping: 1 }));
  await time('findOne({_id}, {counts}) on a 1-document collection', () => db.collection('single').findOne({ _id: 'x' as never }), 20);
  await time('findOne({_id})', (i) => col.findOne({ _id: id(i) }));
  await time('updateOne({_id}, $set seats+counts)', (i) => col.updateOne({ _id: id(i) }, { $set: { seats: docs[i % blocks]!.seats, counts: docs[i % blocks]!.counts } }));
  await time('updateOne({_id, rev}, $set seats+counts+rev)  [reconciler]', async (i) => {
    const cur = await col.findOne({ _id: id(i) }, { projection: { rev: 1 } });
    await col.updateOne({ _id: id(i), rev: cur!.rev }, { $set: { seats: docs[i % blocks]!.seats, counts: docs[i % blocks]!.counts, rev: cur!.rev + 1 } });
  });
  await time('  of which findOne({_id},{rev})', (i) => col.findOne({ _id: id(i) }, { projection: { rev: 1 } }));
  await time('find({}, {counts}) whole venue  [availability]', () => col.find({}, { projection: { counts: 1 } }).toArray(), 10);
  await time('find() whole venue, seats as objects', () => col.find().toArray(), 5);
  // The stored form (mongo-store.ts): a block's seats as one JSON string of tuples.
  const tuples = (seats: object[]) => JSON.stringify(seats.map((seat) => Object.values(seat)));
  const compact = db.collection<{ _id: string; rev: number; seats: string }>('seat_blocks.compact');
  await compact.insertMany(docs.map((d) => ({ ...d, seats: tuples(d.seats) })));
  await time('findOneAndUpdate({_id}, $set seats string+counts)  [projector]', (i) =>
    compact.findOneAndUpdate({ _id: id(i) }, { $set: { seats: tuples(docs[i % blocks]!.seats), counts: docs[i % blocks]!.counts }, $inc: { rev: 1 } }, { returnDocument: 'before' }),
  );
  await time('find() whole venue, seats as strings', () => compact.find().toArray(), 5);
} finally {
  await db.dropDatabase().catch(() => undefined);
  await client.close();
}
