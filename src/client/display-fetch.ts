// Fetches a server's display templates (`GET /api/v1/display-templates`), for pages without generated code.
import type { DisplayTemplates } from './display.js';
import { httpBaseUrl } from './endpoint.js';

/** Where a notify server answers its catalog's display templates (no credential needed). */
export const displayTemplatesPath = '/api/v1/display-templates';

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** True when `value` has the shape of {@link DisplayTemplates}: type → locale → template with a string `title`. */
export function isDisplayTemplates(value: unknown): value is DisplayTemplates {
  if (!isObject(value)) return false;
  return Object.values(value).every(
    (set) =>
      isObject(set) &&
      Object.values(set).every(
        (template) => isObject(template) && typeof template['title'] === 'string' && ['body', 'url', 'icon'].every((key) => template[key] === undefined || typeof template[key] === 'string'),
      ),
  );
}

/**
 * The display templates of the server at `server` (its base URL, http(s) or ws(s), or its WebSocket endpoint).
 * Rejects when the answer is not 200 with templates. The browser's HTTP cache revalidates them by ETag.
 */
export async function fetchDisplayTemplates(server: string, options: { signal?: AbortSignal; fetch?: typeof fetch } = {}): Promise<DisplayTemplates> {
  const url = `${httpBaseUrl(server)}${displayTemplatesPath}`;
  const response = await (options.fetch ?? fetch)(url, { headers: { accept: 'application/json' }, ...(options.signal ? { signal: options.signal } : {}) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const body: unknown = await response.json();
  if (!isDisplayTemplates(body)) throw new TypeError(`GET ${url} did not answer display templates`);
  return body;
}
