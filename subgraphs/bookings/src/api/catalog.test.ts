import { describe, expect, it } from 'vitest';
import { createSeatCatalog } from './catalog.ts';

describe('createSeatCatalog', () => {
  it('loads an event once within the ttl and names unknown seats', async () => {
    let loads = 0;
    const catalog = createSeatCatalog({
      seatsOf: async (id) => {
        loads++;
        return id === 'e1' ? { onSale: true, seatIds: ['A1', 'A2'] } : null;
      },
    });
    expect(await catalog.check('e1', ['A1'])).toBeNull();
    expect(await catalog.check('e1', ['A3'])).toMatchObject({ code: 'UNKNOWN_SEAT' });
    expect(await catalog.check('nope', ['A1'])).toMatchObject({ code: 'EVENT_NOT_FOUND' });
    expect(loads).toBe(2);
  });

  it('reloads after the ttl', async () => {
    let now = 0;
    let seats = { onSale: true, seatIds: ['A1'] };
    const catalog = createSeatCatalog({ seatsOf: async () => seats }, 1000, () => now);
    expect(await catalog.check('e', ['A2'])).not.toBeNull();
    seats = { onSale: true, seatIds: ['A1', 'A2'] };
    now = 1001;
    expect(await catalog.check('e', ['A2'])).toBeNull();
  });

  it('refuses requests for an event off sale', async () => {
    const catalog = createSeatCatalog({ seatsOf: async () => ({ onSale: false, seatIds: ['A1'] }) });
    expect(await catalog.check('e', ['A1'])).toMatchObject({ code: 'EVENT_OFF_SALE' });
  });
});
