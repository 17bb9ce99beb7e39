// VAPID keys (RFC 8292): the key pair and contact a server signs its Web Push requests with, read from a JSON file.
import { readFile } from 'node:fs/promises';
import webpush from 'web-push';
import type { VapidKeys } from '../config.js';

export type { VapidKeys } from '../config.js';

const base64url = /^[A-Za-z0-9_-]+$/;

/** The keys in `value`, or an error naming what is wrong (never echoing the private key). */
export function checkVapidKeys(value: unknown, where: string): VapidKeys {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}; expected {"publicKey", "privateKey", "subject"} as \`notify vapid\` prints them`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('not a JSON object');
  const { publicKey, privateKey, subject } = value as Record<string, unknown>;
  if (typeof publicKey !== 'string' || !base64url.test(publicKey) || Buffer.from(publicKey, 'base64url').length !== 65) {
    fail('publicKey must be 65 bytes, base64url without padding');
  }
  if (typeof privateKey !== 'string' || !base64url.test(privateKey) || Buffer.from(privateKey, 'base64url').length !== 32) {
    fail('privateKey must be 32 bytes, base64url without padding');
  }
  if (typeof subject !== 'string' || !/^(mailto:.+|https:\/\/.+)$/.test(subject)) fail('subject must be a mailto: or https: URL');
  return { publicKey: publicKey as string, privateKey: privateKey as string, subject: subject as string };
}

/** Reads and checks a keys file (`--web-push-keys`). */
export async function readVapidKeys(file: string): Promise<VapidKeys> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the Web Push keys file ${file}: ${error.code ?? error.message}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`the Web Push keys file ${file} is not JSON`);
  }
  return checkVapidKeys(parsed, `the Web Push keys file ${file}`);
}

/** A new key pair with `subject`. */
export function generateVapidKeys(subject: string): VapidKeys {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return checkVapidKeys({ publicKey, privateKey, subject }, 'generated keys');
}
