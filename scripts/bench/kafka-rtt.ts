/**
 * Round-trip time of one produce call with the services' producer settings
 * (idempotent, acks=all, one request in flight), as the bookings API's
 * batching publisher sees it. Creates a throw-away topic and deletes it.
 *
 *   npx tsx scripts/bench/kafka-rtt.ts [--sends 200] [--size 1]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createKafka, createProducer } from '@booking/service-kit';
import { serviceEnv } from '@booking/testkit';

const { values } = parseArgs({ options: { sends: { type: 'string', default: '200' }, size: { type: 'string', default: '1' } } });
const sends = Number(values.sends);
const size = Number(values.size);
const kafka = createKafka('bench-rtt', serviceEnv().kafkaBrokers.split(','), pino({ level: 'error' }));
const topic = `benchrtt_${randomBytes(3).toString('hex')}.probe`;
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
const producer = createProducer(kafka);
await producer.connect();
try {
  const value = JSON.stringify({ requestId: '00000000-0000-4000-8000-000000000000', eventId: 'arena10k', userId: 'u', seatIds: ['A_R1_S1'], requestedAt: new Date().toISOString() });
  for (let i = 0; i < 20; i++) await producer.send({ topic, messages: [{ key: 'arena10k', value }] }); // warm-up
  const times: number[] = [];
  for (let i = 0; i < sends; i++) {
    const t = performance.now();
    await producer.send({ topic, messages: Array.from({ length: size }, () => ({ key: 'arena10k', value })) });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  process.stdout.write(`produce round-trip, ${sends} sends of ${size} message(s): p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms, mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(1)} ms\n`);
} finally {
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}
