import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames, type SeatStatusMessage } from '@booking/contracts';
import { createKafka, createProducer } from '@booking/service-kit';
import { gql, serviceEnv, startStack, waitFor, type Stack } from '@booking/testkit';
import { createMongoReadStore } from '../../subgraphs/events/src/mongo-store.ts';
import { outcome, requestBooking } from './helpers.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('readpath');
});
afterAll(async () => {
  await stack?.stop();
});

type RestEvent = { event_id: string; seats: { seat_id: string; status: string; user_id: string | null }[] };
const rest = async (base: string, id: string) => (await fetch(`${base}/api/events/${id}`)).json() as Promise<RestEvent>;
const restStatus = async (id: string, seatId: string) => (await rest(stack.url, id)).seats.find((s) => s.seat_id === seatId)?.status;
const SEAT_MAP = /* GraphQL */ `query($id: ID!, $section: String) { event(id: $id) { seatMap(section: $section) { sections { rows { seatIds statuses versions } } } } }`;
async function mapSeat(eventId: string, seatId: string) {
  const res = await gql<{ event: { seatMap: { sections: { rows: { seatIds: string[]; statuses: string; versions: number[] }[] }[] } } }>(stack.graphqlUrl, SEAT_MAP, {
    id: eventId,
    section: seatId.split('_')[0],
  });
  for (const row of res.data!.event.seatMap.sections.flatMap((s) => s.rows)) {
    const i = row.seatIds.indexOf(seatId);
    if (i >= 0) return { status: row.statuses[i], version: row.versions[i] };
  }
  return undefined;
}
async function book(userId: string, seatId: string) {
  const res = await requestBooking(stack, userId, 'arena10k', [seatId]);
  expect(await outcome(stack, userId, res.data!.requestBooking.id)).toMatchObject({ status: 'CONFIRMED' });
}

describe('read path in stack mode', () => {
  it('answers the REST reads the same through NGINX and straight from the gateway', async () => {
    for (const path of ['/api/events', '/api/events/concert123', '/api/events/arena10k', '/api/events/no_such_event']) {
      const [viaNginx, direct] = await Promise.all([fetch(`${stack.url}${path}`), fetch(`${stack.gatewayUrl}${path}`)]);
      expect(direct.status).toBe(viaNginx.status);
      expect(direct.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await direct.text()).toBe(await viaNginx.text());
    }
    expect((await fetch(`${stack.url}/api/events/no_such_event`)).status).toBe(404);
    expect(await (await fetch(`${stack.url}/api/events/no_such_event`)).json()).toEqual({ message: 'Event not found', code: 'EVENT_NOT_FOUND' });
  });

  it('ignores a replayed older seat change in every read path', async () => {
    await book('pia', 'B_R2_S2');
    await waitFor(async () => (await restStatus('arena10k', 'B_R2_S2')) === 'booked', { timeoutMs: 1_000, what: 'B_R2_S2 booked over REST' });
    const producer = createProducer(createKafka('read-path-test', serviceEnv().kafkaBrokers.split(','), pino({ level: 'error' })));
    await producer.connect();
    try {
      const change = (seatId: string, status: SeatStatusMessage['status'], version: number): SeatStatusMessage => ({
        eventId: 'arena10k',
        seatId,
        section: 'B',
        row: '2',
        position: 0,
        status,
        version,
        bookingId: null,
        userId: null,
        changedAt: new Date().toISOString(),
      });
      // The seat's first change again (AVAILABLE at version 1), then one more change after it as a marker.
      const old = { ...change('B_R2_S2', 'AVAILABLE', 1), position: 2551 };
      const marker = { ...change('B_R2_S3', 'HELD', 9), position: 2552 };
      await producer.send({ topic: topicNames(`${stack.name}.`).seatStatus, messages: [old, marker].map((m) => ({ key: m.eventId, value: JSON.stringify(m) })) });
    } finally {
      await producer.disconnect();
    }
    await waitFor(async () => (await restStatus('arena10k', 'B_R2_S3')) === 'held' && (await mapSeat('arena10k', 'B_R2_S3'))?.status === 'H', {
      timeoutMs: 5_000,
      what: 'the marker change',
    });
    expect(await restStatus('arena10k', 'B_R2_S2')).toBe('booked');
    expect(await mapSeat('arena10k', 'B_R2_S2')).toEqual({ status: 'B', version: 2 });
  });

  it('starts a restarted events instance from MongoDB with what it missed', async () => {
    await stack.kill('events');
    const res = await requestBooking(stack, 'quinn', 'arena10k', ['C_R9_S9']);
    expect(res.data?.requestBooking.status).toBe('PENDING');
    // Confirmed, and written to the durable copy by the projector (a booking's
    // `event` field needs the events subgraph, so PostgreSQL and MongoDB are asked).
    await waitFor(
      async () => {
        const { rows } = await stack.pg.query<{ status: string }>('SELECT status::text FROM bookings WHERE id = $1', [res.data!.requestBooking.id]);
        if (rows[0]?.status !== 'CONFIRMED') return false;
        const seats = await createMongoReadStore(stack.mongo).seats('arena10k');
        return seats.find((s) => s.seatId === 'C_R9_S9')?.status === 'BOOKED';
      },
      { timeoutMs: 10_000, what: 'the projector to write C_R9_S9' },
    );
    await stack.start('events');
    expect(await restStatus('arena10k', 'C_R9_S9')).toBe('booked');
    expect(await mapSeat('arena10k', 'C_R9_S9')).toEqual({ status: 'B', version: 2 });
    // And it is live again: the next booking shows within 1 s.
    await book('rosa', 'C_R9_S10');
    await waitFor(async () => (await restStatus('arena10k', 'C_R9_S10')) === 'booked', { timeoutMs: 1_000, what: 'C_R9_S10 booked over REST' });
  });
});
