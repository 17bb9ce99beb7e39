// The bounded set behind de-duplication.
import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../src/client/recent-ids.js';

describe('RecentIds', () => {
  it('reports duplicates and forgets the oldest past its capacity', () => {
    const ids = new RecentIds(3);
    expect(['a', 'b', 'a', 'c', 'd'].map((id) => ids.add(id))).toEqual([true, true, false, true, true]);
    expect(ids.size).toBe(3);
    expect(ids.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((id) => ids.has(id))).toBe(true);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentIds(0)).toThrow(RangeError);
    expect(() => new RecentIds(1.5)).toThrow(RangeError);
  });
});
