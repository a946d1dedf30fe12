import { describe, expect, it } from 'vitest';
import { createSeatCatalog, type SeatCatalogSource } from './catalog.ts';

function source(venues: Record<string, string[]>, onSale = true) {
  const calls: string[] = [];
  let release: (() => void) | null = null;
  const src: SeatCatalogSource & { calls: string[]; hold(): void; release(): void } = {
    calls,
    hold: () => void (release = () => undefined),
    release: () => release?.(),
    async seatsOf(id) {
      calls.push(id);
      if (release) await new Promise<void>((r) => (release = r));
      return venues[id] ? { onSale, seatIds: venues[id] } : null;
    },
    eventIds: async () => Object.keys(venues),
  };
  return src;
}

describe('createSeatCatalog', () => {
  it('loads every event on warm-up and answers from memory, naming unknown seats', async () => {
    const src = source({ e1: ['A1', 'A2'] });
    const catalog = createSeatCatalog(src);
    await catalog.warm();
    expect(await catalog.check('e1', ['A1'])).toBeNull();
    expect(await catalog.check('e1', ['A3'])).toMatchObject({ code: 'UNKNOWN_SEAT' });
    expect(src.calls).toEqual(['e1']);
  });

  it('answers from the old copy while a refresh runs, then from the new one', async () => {
    let now = 0;
    const venues = { e: ['A1'] };
    const src = source(venues);
    const catalog = createSeatCatalog(src, { refreshMs: 1000, now: () => now });
    await catalog.warm();
    venues.e = ['A1', 'A2'];
    now = 1001;
    src.hold();
    // The refresh is held open: the answer still comes at once, from the old copy.
    expect(await catalog.check('e', ['A2'])).toMatchObject({ code: 'UNKNOWN_SEAT' });
    src.release();
    await new Promise((r) => setImmediate(r));
    expect(await catalog.check('e', ['A2'])).toBeNull();
    expect(src.calls).toEqual(['e', 'e']);
  });

  it('remembers an unknown event briefly, then looks again', async () => {
    let now = 0;
    const venues: Record<string, string[]> = {};
    const src = source(venues);
    const catalog = createSeatCatalog(src, { missMs: 1000, now: () => now });
    expect(await catalog.check('new', ['A1'])).toMatchObject({ code: 'EVENT_NOT_FOUND' });
    venues.new = ['A1'];
    expect(await catalog.check('new', ['A1'])).toMatchObject({ code: 'EVENT_NOT_FOUND' });
    now = 1001;
    expect(await catalog.check('new', ['A1'])).toBeNull();
  });

  it('refuses requests for an event off sale', async () => {
    const catalog = createSeatCatalog(source({ e: ['A1'] }, false));
    expect(await catalog.check('e', ['A1'])).toMatchObject({ code: 'EVENT_OFF_SALE' });
  });

  it('loads an event again after forget()', async () => {
    const venues = { e: ['A1'] };
    const src = source(venues);
    const catalog = createSeatCatalog(src);
    await catalog.warm();
    venues.e = ['A1', 'A2'];
    catalog.forget('e');
    expect(await catalog.check('e', ['A2'])).toBeNull();
  });
});
