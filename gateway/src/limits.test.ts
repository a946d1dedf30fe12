import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { measure } from './limits.ts';

describe('measure', () => {
  it('counts depth and fields through fragments', () => {
    const doc = parse('query Q { booking(id: "1") { ...B } } fragment B on Booking { id event { id name } }');
    expect(measure(doc, 'Q')).toEqual({ depth: 3, fields: 5 });
  });
  it('does not loop on a fragment cycle', () => {
    const doc = parse('{ a { ...F } } fragment F on T { b { ...F } }');
    expect(measure(doc).depth).toBe(3);
  });
  it('measures the named operation only', () => {
    const doc = parse('query A { x } query B { x { y { z } } }');
    expect(measure(doc, 'A')).toEqual({ depth: 1, fields: 1 });
  });
});
