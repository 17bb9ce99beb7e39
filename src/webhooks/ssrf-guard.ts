// Server-side request forgery guard for webhook URLs: https only, and no loopback, private or link-local address, checked again at connect time.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why an address may not be called; undefined when it may (a public unicast address). */
export function forbiddenAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? undefined : `${address} is a ${range} address`;
}

/** A webhook URL as notify accepts it, or the reason it does not. */
export function checkUrlShape(raw: string, allowLocal: boolean): { url: URL } | { error: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: `${JSON.stringify(raw.slice(0, 200))} is not an absolute URL` };
  }
  if (url.protocol !== 'https:' && !(allowLocal && url.protocol === 'http:')) {
    return { error: `webhook URLs must use https:${allowLocal ? ' or http:' : ' (http: only with --webhooks-allow-local)'}` };
  }
  if (url.username !== '' || url.password !== '') return { error: 'webhook URLs may not hold credentials; check the signature instead' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowLocal && isIP(host) !== 0) {
    const why = forbiddenAddress(host);
    if (why) return { error: `${why}; webhooks may not call loopback, private or link-local addresses (only with --webhooks-allow-local)` };
  }
  return { url };
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses a host resolving to any forbidden address: checked at connect time, on
 * the addresses actually used, so a name that resolved to a public address when registered cannot later point inward.
 */
export function guardedLookup(allowLocal: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const refused = allowLocal ? undefined : list.map((a) => forbiddenAddress(a.address)).find((why) => why !== undefined);
      if (refused) {
        const blocked = Object.assign(new Error(`${hostname} resolves to a forbidden address: ${refused}`), { code: 'EWEBHOOKFORBIDDEN' });
        return callback(blocked, []);
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** Resolves the URL's host now (at registration) and refuses it when any of its addresses is forbidden. */
export async function checkWebhookUrl(raw: string, allowLocal: boolean): Promise<{ url: URL } | { error: string }> {
  const shape = checkUrlShape(raw, allowLocal);
  if ('error' in shape || allowLocal) return shape;
  const host = shape.url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return shape;
  return new Promise((resolve) => {
    guardedLookup(false)(host, { all: true }, (error) => {
      resolve(error ? { error: error.message } : shape);
    });
  });
}
