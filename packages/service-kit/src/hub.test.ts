import { describe, expect, it } from 'vitest';
import { createHub, SlowConsumerError } from './hub.ts';

describe('createHub', () => {
  it('delivers to every subscriber of a key, in order, and to no one else', async () => {
    const hub = createHub<number>();
    const a = hub.subscribe('e1');
    const b = hub.subscribe('e1');
    const other = hub.subscribe('e2');
    hub.publish('e1', 1);
    hub.publish('e1', 2);
    expect([(await a.next()).value, (await a.next()).value]).toEqual([1, 2]);
    expect((await b.next()).value).toBe(1);
    hub.publish('e2', 9);
    expect((await other.next()).value).toBe(9);
  });

  it('forgets a subscriber when it returns, leaving nothing behind', async () => {
    const hub = createHub<number>();
    for (let i = 0; i < 10_000; i++) await hub.subscribe(`e${i % 7}`).return!();
    expect(hub.size()).toBe(0);
  });

  it('ends a subscriber that falls too far behind without affecting the others', async () => {
    const hub = createHub<number>(3);
    const slow = hub.subscribe('e');
    const fast = hub.subscribe('e');
    const got: number[] = [];
    for (let i = 1; i <= 5; i++) {
      hub.publish('e', i);
      got.push((await fast.next()).value as number);
    }
    expect(got).toEqual([1, 2, 3, 4, 5]);
    const drained = [(await slow.next()).value, (await slow.next()).value, (await slow.next()).value];
    expect(drained).toEqual([1, 2, 3]);
    const error = await slow.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlowConsumerError);
    // What the subscriber's client sees: a stable code, not an internal error.
    expect(error).toMatchObject({ message: expect.stringContaining('3 messages behind'), extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(hub.size()).toBe(1);
  });

  it('wakes a waiting subscriber when a value arrives', async () => {
    const hub = createHub<string>();
    const it = hub.subscribe('k');
    const pending = it.next();
    hub.publish('k', 'x');
    expect(await pending).toEqual({ value: 'x', done: false });
  });

  it('ends the subscriptions of a completed key after what was queued for them', async () => {
    const hub = createHub<number>();
    const a = hub.subscribe('k');
    const waiting = hub.subscribe('k');
    const pending = waiting.next();
    hub.publish('k', 1);
    hub.complete('k');
    expect(await pending).toEqual({ value: 1, done: false });
    expect(await waiting.next()).toEqual({ value: undefined, done: true });
    expect(await a.next()).toEqual({ value: 1, done: false });
    expect(await a.next()).toEqual({ value: undefined, done: true });
    expect(hub.size()).toBe(0);
  });
});
