import { describe, expect, it } from 'vitest';
import { createReadCache, type Produced } from './read-cache.ts';

const answer = (body: string, shareable = true): Produced => ({ response: { status: 200, headers: [['content-type', 'application/json']], body }, shareable });

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('read cache', () => {
  it('serves an answer to identical requests until it is ttl old, then runs again', async () => {
    const time = clock();
    const cache = createReadCache({ ttlMs: 250, maxBytes: 1e6, now: time.now });
    let runs = 0;
    const run = async () => answer(`v${++runs}`);
    expect((await cache.answer('k', run)).body).toBe('v1');
    time.advance(249);
    expect((await cache.answer('k', run)).body).toBe('v1');
    time.advance(1);
    expect((await cache.answer('k', run)).body).toBe('v2');
    expect(cache.counts()).toEqual({ hit: 1, shared: 0, miss: 2, stale: 0 });
  });

  it('runs once for identical requests that arrive while it runs', async () => {
    const cache = createReadCache({ ttlMs: 250, maxBytes: 1e6, now: clock().now });
    let release!: () => void;
    let runs = 0;
    const run = () => {
      runs++;
      return new Promise<Produced>((resolve) => (release = () => resolve(answer('one'))));
    };
    const all = Promise.all([cache.answer('k', run), cache.answer('k', run), cache.answer('k', run)]);
    release();
    expect((await all).map((r) => r.body)).toEqual(['one', 'one', 'one']);
    expect(runs).toBe(1);
    expect(cache.counts()).toEqual({ hit: 0, shared: 2, miss: 1, stale: 0 });
  });

  it('keeps nothing that is not shareable, and does not hand it to waiting requests', async () => {
    const cache = createReadCache({ ttlMs: 250, maxBytes: 1e6, now: clock().now });
    let release!: () => void;
    let runs = 0;
    const first = () => new Promise<Produced>((resolve) => (runs++, (release = () => resolve(answer('error', false)))));
    const waiting = Promise.all([cache.answer('k', first), cache.answer('k', async () => (runs++, answer('own')))]);
    release();
    expect((await waiting).map((r) => r.body)).toEqual(['error', 'own']);
    expect((await cache.answer('k', async () => (runs++, answer('again')))).body).toBe('again');
    expect(runs).toBe(3);
  });

  it('serves an answer up to staleMs past its ttl while one execution refreshes it', async () => {
    const time = clock();
    const cache = createReadCache({ ttlMs: 250, staleMs: 250, maxBytes: 1e6, now: time.now });
    let runs = 0;
    let release = () => {};
    const run = () => new Promise<Produced>((resolve) => (runs++, (release = () => resolve(answer(`v${runs}`)))));
    const first = cache.answer('k', run);
    release();
    expect((await first).body).toBe('v1');
    time.advance(300);
    // Past the ttl: the old answer at once, and one refresh for all of them.
    expect((await cache.answer('k', run)).body).toBe('v1');
    expect((await cache.answer('k', run)).body).toBe('v1');
    expect(runs).toBe(2);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect((await cache.answer('k', run)).body).toBe('v2');
    expect(runs).toBe(2);
    // Its ttl counts from when the refresh started; past ttl + staleMs, requests wait again.
    time.advance(250);
    expect((await cache.answer('k', run)).body).toBe('v2');
    expect(runs).toBe(3);
    time.advance(600);
    // That refresh still runs: this request waits for it rather than serving v2.
    const waited = cache.answer('k', run);
    release();
    expect((await waited).body).toBe('v3');
    expect(runs).toBe(3);
    expect(cache.counts()).toMatchObject({ stale: 3, miss: 1, shared: 1 });
  });

  it('always runs a request without a key, and nothing when the ttl is 0', async () => {
    let runs = 0;
    const run = async () => answer(`v${++runs}`);
    const cache = createReadCache({ ttlMs: 250, maxBytes: 1e6, now: clock().now });
    await cache.answer(null, run);
    await cache.answer(null, run);
    const off = createReadCache({ ttlMs: 0, maxBytes: 1e6, now: clock().now });
    await off.answer('k', run);
    await off.answer('k', run);
    expect(runs).toBe(4);
  });

  it('lets a waiting request run itself when the running one fails', async () => {
    const cache = createReadCache({ ttlMs: 250, maxBytes: 1e6, now: clock().now });
    let fail!: () => void;
    const broken = () => new Promise<Produced>((_resolve, reject) => (fail = () => reject(new Error('down'))));
    const first = cache.answer('k', broken);
    const second = cache.answer('k', async () => answer('mine'));
    fail();
    await expect(first).rejects.toThrow('down');
    expect((await second).body).toBe('mine');
  });

  it('stays within its byte bound, dropping the oldest answers first', async () => {
    const time = clock();
    // Each entry: a 100-character body and a 1-character key, counted as UTF-16.
    const cache = createReadCache({ ttlMs: 10_000, maxBytes: 2 * 202, now: time.now });
    let runs = 0;
    const run = async () => (runs++, answer('x'.repeat(100)));
    await cache.answer('a', run);
    time.advance(1);
    await cache.answer('b', run);
    time.advance(1);
    await cache.answer('c', run); // drops a
    await cache.answer('b', run);
    await cache.answer('c', run);
    expect(runs).toBe(3);
    await cache.answer('a', run);
    expect(runs).toBe(4);
    // Too large to keep at all.
    const big = async () => (runs++, answer('y'.repeat(1000)));
    await cache.answer('d', big);
    await cache.answer('d', big);
    expect(runs).toBe(6);
  });
});
