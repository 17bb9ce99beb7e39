// The router matches plain request paths without parsing a URL: it must only ever do so when the URL parser would give the same path.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainPathname } from '../../src/http/router.js';

const parsed = (raw: string): string => new URL(raw, 'http://localhost').pathname;

describe('plainPathname', () => {
  it('takes the push paths as they are', () => {
    expect(plainPathname('/api/v1/users/alice/notifications')).toBe('/api/v1/users/alice/notifications');
    expect(plainPathname('/api/v1/users/a.b%20c/notifications?x=1')).toBe('/api/v1/users/a.b%20c/notifications');
  });

  it('leaves to the URL parser what it would change', () => {
    for (const raw of ['//evil/x', '/a/../b', '/a/./b', '/a/%2e%2E/b', '/a/%2e', '/a b', '/a"b', '/a{b}', '/é', '/a\\b', '/a#b', 'http://x/a', '*']) {
      expect(plainPathname(raw), raw).toBeUndefined();
    }
  });

  it('agrees with the URL parser whenever it answers (generated paths)', () => {
    const segment = fc.string({ unit: fc.constantFrom(...'abz09-._~!$&\'()*+,;=:@%/?#" {}\\é.'.split('')), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), (parts) => {
        const raw = `/${parts.join('/')}`;
        const fast = plainPathname(raw);
        if (fast !== undefined) expect(fast).toBe(parsed(raw));
      }),
      { numRuns: 5000 },
    );
  });
});
