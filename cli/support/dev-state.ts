// Dev mode's files under ./.notify/: a generated JWT secret and push token (mode 600), and the dev server's URL.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DevSecrets {
  /** HS256 secret, 64 hex characters. */
  jwtSecret: string;
  /** Static service token for the push API. */
  pushToken: string;
}

export const defaultStateDir = '.notify';
const secretsFile = 'dev-secrets.json';
const serverFile = 'server.json';

/** The dev secrets in `stateDir`, or undefined when none were generated yet. */
export async function readDevSecrets(stateDir = defaultStateDir): Promise<DevSecrets | undefined> {
  const text = await readFile(path.join(stateDir, secretsFile), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as Partial<DevSecrets>;
  if (typeof parsed.jwtSecret !== 'string' || typeof parsed.pushToken !== 'string') {
    throw new Error(`${path.join(stateDir, secretsFile)} is damaged; delete it to generate new dev secrets`);
  }
  return { jwtSecret: parsed.jwtSecret, pushToken: parsed.pushToken };
}

/** Reads the dev secrets, generating and saving them (mode 600) on first use. */
export async function loadOrCreateDevSecrets(stateDir = defaultStateDir): Promise<{ secrets: DevSecrets; created: boolean }> {
  const existing = await readDevSecrets(stateDir);
  if (existing) return { secrets: existing, created: false };
  const secrets: DevSecrets = { jwtSecret: randomBytes(32).toString('hex'), pushToken: randomBytes(24).toString('base64url') };
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, secretsFile);
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    // Another process won the race; use its secrets.
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(file, 0o600);
  const saved = await readDevSecrets(stateDir);
  return { secrets: saved ?? secrets, created: true };
}

/** Records where the dev server listens, so `push` and `tail` find it with no flags. */
export async function writeDevServerUrl(url: string, stateDir = defaultStateDir): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFile(path.join(stateDir, serverFile), `${JSON.stringify({ url })}\n`);
}

/** The dev server's URL, or undefined when no dev server has run here. */
export async function readDevServerUrl(stateDir = defaultStateDir): Promise<string | undefined> {
  const text = await readFile(path.join(stateDir, serverFile), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const url = (JSON.parse(text) as { url?: unknown }).url;
  return typeof url === 'string' ? url : undefined;
}

const webPushKeysFile = 'web-push-keys.json';

/**
 * Dev mode's VAPID keys in `stateDir` (mode 600), generated on first use, so Web Push works with no flags. Returns the
 * file's path and whether it was just made.
 */
export async function loadOrCreateDevWebPushKeys(stateDir = defaultStateDir): Promise<{ file: string; created: boolean }> {
  const file = path.join(stateDir, webPushKeysFile);
  const { generateVapidKeys } = await import('../../src/web-push/vapid-keys.js');
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const text = `${JSON.stringify(generateVapidKeys('mailto:dev@notify.invalid'), null, 2)}\n`;
  const created = await writeFile(file, text, { mode: 0o600, flag: 'wx' }).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      // Made before (or by another process at the same moment): keep it, browsers subscribed with its public key.
      if (error.code !== 'EEXIST') throw error;
      return false;
    },
  );
  await chmod(file, 0o600);
  return { file, created };
}
