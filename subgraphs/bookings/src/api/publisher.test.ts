import { describe, expect, it } from 'vitest';
import type { Bus, BusRecord } from '@booking/service-kit';
import { createBatchingPublisher } from './publisher.ts';

const message = (i: number) => ({ requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, eventId: 'e', userId: 'u', seatIds: ['A1'], requestedAt: new Date(0).toISOString() });

function fakeProducer(fail = false) {
  const sends: { messages: BusRecord[] }[] = [];
  const producer: Pick<Bus, 'publish'> = {
    publish: async (messages) => {
      sends.push({ messages });
      if (fail) throw new Error('broker down');
    },
  };
  return { producer, sends };
}

describe('createBatchingPublisher', () => {
  it('sends concurrent requests in one produce call, keyed by event', async () => {
    const { producer, sends } = fakeProducer();
    const publisher = createBatchingPublisher(producer, 'topic', { lingerMs: 5 });
    await Promise.all([1, 2, 3].map((i) => publisher.publish(message(i))));
    expect(sends).toHaveLength(1);
    expect(sends[0]!.messages.map((m) => m.key)).toEqual(['e', 'e', 'e']);
  });

  it('sends at once when the batch is full', async () => {
    const { producer, sends } = fakeProducer();
    const publisher = createBatchingPublisher(producer, 'topic', { maxBatch: 2, lingerMs: 10_000 });
    await Promise.all([1, 2].map((i) => publisher.publish(message(i))));
    expect(sends).toHaveLength(1);
  });

  it('rejects every waiting request when the broker refuses the batch', async () => {
    const { producer } = fakeProducer(true);
    const publisher = createBatchingPublisher(producer, 'topic', { lingerMs: 1 });
    const results = await Promise.allSettled([1, 2].map((i) => publisher.publish(message(i))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('createBatchingPublisher while a send is out', () => {
  it('gathers every request that arrives during a send into the next one', async () => {
    const sends: number[] = [];
    let release!: () => void;
    const bus = {
      publish: async (messages: BusRecord[]) => {
        sends.push(messages.length);
        if (sends.length === 1) await new Promise<void>((r) => (release = r));
      },
    };
    const publisher = createBatchingPublisher(bus, 'topic', { lingerMs: 1 });
    const first = publisher.publish(message(0));
    await new Promise((r) => setTimeout(r, 10));
    const later = [1, 2, 3, 4].map((i) => publisher.publish(message(i)));
    await new Promise((r) => setTimeout(r, 10));
    release();
    await Promise.all([first, ...later]);
    expect(sends).toEqual([1, 4]);
  });
});
