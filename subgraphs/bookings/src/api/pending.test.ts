import { describe, expect, it } from 'vitest';
import type { BookingModel } from './model.ts';
import { createMemoryPendingStore } from './pending.ts';

const booking = (id: string, userId: string, at: number): BookingModel => ({
  id,
  status: 'PENDING',
  reason: null,
  eventId: 'e1',
  userId,
  seatIds: ['A1'],
  createdAt: new Date(at),
  expiresAt: null,
  version: 0,
});

describe('memory pending store', () => {
  it("lists a user's records newest first, up to the limit, without other users' or forgotten ones", async () => {
    const store = createMemoryPendingStore(60, () => 1_000);
    await store.put(booking('b1', 'ann', 100));
    await store.put(booking('b3', 'ann', 300));
    await store.put(booking('b2', 'ann', 200));
    await store.put(booking('x1', 'bob', 250));
    expect((await store.ofUser('ann', 10)).map((b) => b.id)).toEqual(['b3', 'b2', 'b1']);
    expect((await store.ofUser('ann', 2)).map((b) => b.id)).toEqual(['b3', 'b2']);
    await store.forget('ann', ['b3']);
    expect((await store.ofUser('ann', 10)).map((b) => b.id)).toEqual(['b2', 'b1']);
    // Forgotten from the list only: booking(id) still finds it until its row is read instead.
    expect(await store.get('b3')).not.toBeNull();
    expect(await store.ofUser('nobody', 10)).toEqual([]);
  });

  it('drops records past their lifetime', async () => {
    let t = 0;
    const store = createMemoryPendingStore(10, () => t);
    await store.put(booking('old', 'ann', 0));
    t = 5_000;
    await store.put(booking('new', 'ann', 5_000));
    t = 11_000;
    expect((await store.ofUser('ann', 10)).map((b) => b.id)).toEqual(['new']);
    expect(await store.get('old')).toBeNull();
  });
});
