// maskUrlPassword: the one mask for store and bus URLs in logs and error messages.
import { describe, expect, it } from 'vitest';
import { maskUrlPassword } from '../../src/logger.js';

describe('maskUrlPassword', () => {
  it('masks the password and keeps the user, host and path', () => {
    expect(maskUrlPassword('postgres://app:s3cret@db.internal:5432/notify')).toBe('postgres://app:***@db.internal:5432/notify');
    expect(maskUrlPassword('redis://:s3cret@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
  });

  it('hides user info with no password whole (it may be the secret)', () => {
    expect(maskUrlPassword('redis://s3cret@127.0.0.1:6379')).toBe('redis://***@127.0.0.1:6379');
  });

  it('leaves URLs without credentials, and non-URLs, as they are', () => {
    expect(maskUrlPassword('sqlite:./.notify/notify.db')).toBe('sqlite:./.notify/notify.db');
    expect(maskUrlPassword('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
    expect(maskUrlPassword('local')).toBe('local');
  });
});
