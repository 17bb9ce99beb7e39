// Server URL normalisation: http(s) and ws(s) alike, base URLs and endpoint URLs.
import { describe, expect, it } from 'vitest';
import { httpBaseUrl, webSocketEndpoint } from '../../src/client/endpoint.js';

describe('webSocketEndpoint', () => {
  it.each([
    ['http://127.0.0.1:8080', 'ws://127.0.0.1:8080/api/v1/notifications'],
    ['http://127.0.0.1:8080/', 'ws://127.0.0.1:8080/api/v1/notifications'],
    ['https://notify.example.com', 'wss://notify.example.com/api/v1/notifications'],
    ['ws://localhost:8080', 'ws://localhost:8080/api/v1/notifications'],
    ['wss://h/app/', 'wss://h/app/api/v1/notifications'],
    ['ws://h:1/api/v1/notifications', 'ws://h:1/api/v1/notifications'],
    ['https://h/api/v1/notifications/?x=1#frag', 'wss://h/api/v1/notifications?x=1'],
  ])('%s → %s', (input, expected) => {
    expect(webSocketEndpoint(input)).toBe(expected);
  });
});

describe('httpBaseUrl', () => {
  it.each([
    ['ws://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['wss://notify.example.com/api/v1/notifications', 'https://notify.example.com'],
    ['http://h:8080/', 'http://h:8080'],
    ['https://h/app/api/v1/notifications?token=x', 'https://h/app'],
  ])('%s → %s', (input, expected) => {
    expect(httpBaseUrl(input)).toBe(expected);
  });

  it('rejects other schemes and non-URLs with a clear message', () => {
    expect(() => httpBaseUrl('ftp://h')).toThrow(/scheme must be http, https, ws or wss/);
    expect(() => webSocketEndpoint('localhost:8080')).toThrow(/scheme must be/);
    expect(() => webSocketEndpoint('not a url')).toThrow(/invalid server URL/);
  });
});
