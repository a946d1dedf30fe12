import { describe, expect, it } from 'vitest';
import { buildLayout, checkEventDetails, isProblem } from './event.ts';
import { holdSeconds } from './input.ts';

describe('buildLayout', () => {
  it('labels sections row by row, then explicit seats, in venue order', () => {
    const layout = buildLayout([{ name: 'A', rows: 2, seatsPerRow: 2 }], [{ id: 'VIP1', section: 'Box', row: '1' }]);
    expect(isProblem(layout) ? layout : layout.seats.map((s) => s.id)).toEqual(['A_R1_S1', 'A_R1_S2', 'A_R2_S1', 'A_R2_S2', 'VIP1']);
  });

  it('builds a 50,000-seat venue', () => {
    const layout = buildLayout([{ name: 'Main', rows: 200, seatsPerRow: 250 }], []);
    expect(!isProblem(layout) && layout.seats).toHaveLength(50_000);
  });

  it.each([
    [[], [], 'seats', /at least one seat/],
    [[{ name: 'A', rows: 201, seatsPerRow: 250 }], [], 'seats', /at most 50000/],
    [[{ name: 'A', rows: 1e9, seatsPerRow: 1e9 }], [], 'seats', /at most/],
    [[{ name: 'A', rows: 0, seatsPerRow: 5 }], [], 'sections.0', /at least 1/],
    [[{ name: 'A B', rows: 1, seatsPerRow: 1 }], [], 'sections.0.name', /section name/],
    [[{ name: 'A', rows: 1, seatsPerRow: 1 }], [{ id: 'A_R1_S1', section: 'A', row: '1' }], 'seats', /A_R1_S1 appears twice/],
    [[], [{ id: 'X 1', section: 'A', row: '1' }], 'seats.0.id', /malformed/],
  ])('refuses a bad layout (%#)', (sections, seats, field, message) => {
    const problem = buildLayout(sections, seats);
    expect(problem).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(isProblem(problem) && problem.message).toMatch(message);
  });
});

describe('checkEventDetails', () => {
  it('accepts an event and refuses empty names, bad dates and limits', () => {
    expect(checkEventDetails({ name: 'Gig', venue: 'Hall', startsAt: new Date(), perUserLimit: 4 })).toBeNull();
    expect(checkEventDetails({ name: '  ' })).toMatchObject({ field: 'name' });
    expect(checkEventDetails({ startsAt: new Date('nope') })).toMatchObject({ field: 'startsAt' });
    expect(checkEventDetails({ perUserLimit: 0 })).toMatchObject({ field: 'perUserLimit' });
  });
});

describe('holdSeconds', () => {
  const bounds = { defaultSeconds: 600, minSeconds: 5, maxSeconds: 1800 };
  it('defaults and bounds the hold length', () => {
    expect(holdSeconds(undefined, bounds)).toBe(600);
    expect(holdSeconds(5, bounds)).toBe(5);
    expect(holdSeconds(4, bounds)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ttlSeconds' });
    expect(holdSeconds(1801, bounds)).toMatchObject({ field: 'ttlSeconds' });
  });
});
