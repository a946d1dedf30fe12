import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { TOPIC_PARTITIONS } from '@booking/contracts';
import { createKafka, createKafkaBus, ensureTopics } from '@booking/service-kit';
import { afterAll } from 'vitest';
import { deleteTopics, serviceEnv } from '@booking/testkit';
import { busContract } from '../contracts/bus.ts';

const log = pino({ level: 'fatal' }); // the contract makes handlers fail on purpose
const brokers = serviceEnv().kafkaBrokers.split(',');
const prefix = `bus_${randomBytes(4).toString('hex')}_`;
let n = 0;
afterAll(() => deleteTopics(prefix));

busContract('Kafka', async () => {
  const kafka = createKafka('bus-contract', brokers, log);
  return {
    bus: createKafkaBus(kafka, log, { consumer: { maxWaitTimeInMs: 50, sessionTimeout: 10_000, heartbeatInterval: 1_000 } }),
    async topic() {
      const topic = `${prefix}t${++n}`;
      await ensureTopics(kafka, [{ topic, numPartitions: TOPIC_PARTITIONS }]);
      return topic;
    },
    timeoutMs: 30_000,
  };
});
