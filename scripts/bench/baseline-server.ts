/**
 * The original system's write path, for comparison in the same benchmark run:
 * Express, a JSON body, one kafkajs `producer.send` per request, no
 * validation, 202. Started by the benchmark on the same Kafka as the stack.
 *
 *   PORT=0 KAFKA_BROKERS=127.0.0.1:59092 TOPIC=bench.baseline node --import tsx scripts/bench/baseline-server.ts
 *
 * Prints `listening <port>` on stdout once ready.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:59092').split(',');
const topic = process.env.TOPIC ?? 'bench.baseline';
const kafka = new Kafka({ clientId: 'baseline', brokers, logLevel: logLevel.ERROR });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
await admin.disconnect();
const producer = kafka.producer();
await producer.connect();

const app = express();
app.use(express.json());
app.post('/api/book', async (req, res) => {
  const { userId, eventId, seatId } = req.body as { userId: string; eventId: string; seatId: string };
  try {
    await producer.send({ topic, messages: [{ key: String(eventId), value: JSON.stringify({ userId, eventId, seatId, requestedAt: new Date().toISOString() }) }] });
    res.status(202).json({ message: 'Booking request accepted' });
  } catch {
    res.status(500).json({ message: 'could not queue the booking' });
  }
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
server.keepAliveTimeout = 65_000;
const stop = () => server.close(() => void producer.disconnect().finally(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
