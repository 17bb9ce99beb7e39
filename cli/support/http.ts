// JSON over HTTP for the client commands (global fetch), with errors a person can act on.

/** A failed call: the message is meant to be printed as is. */
export class HttpCallError extends Error {
  override readonly name = 'HttpCallError';
  /** The HTTP status, or undefined when the server was not reached. */
  readonly status: number | undefined;
  /** The parsed error body, when there was one. */
  readonly body: unknown;

  constructor(message: string, status?: number, body?: unknown) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** POSTs `body` as JSON; resolves with the parsed answer of a 2xx, rejects with an {@link HttpCallError} otherwise. */
export function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
  return requestJson('POST', url, body, headers);
}

/** GETs JSON; resolves with the parsed answer of a 2xx, rejects with an {@link HttpCallError} otherwise. */
export function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  return requestJson('GET', url, undefined, headers);
}

async function requestJson(method: 'GET' | 'POST', url: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...(body !== undefined && { 'content-type': 'application/json' }), accept: 'application/json', ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new HttpCallError(unreachableMessage(url, error));
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the text.
  }
  if (!response.ok) throw new HttpCallError(describeFailure(response.status, response.statusText, parsed), response.status, parsed);
  return parsed;
}

function unreachableMessage(url: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const origin = new URL(url).origin;
  if (cause?.code === 'ECONNREFUSED') {
    return `cannot reach the notify server at ${origin} (connection refused). Start one with \`notify serve\`, or pass --server URL.`;
  }
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return `cannot reach the notify server at ${origin} (${detail}). Check --server URL.`;
}

/** `422 Unprocessable Entity: data does not match ...` plus one line per field error the server listed. */
function describeFailure(status: number, statusText: string, body: unknown): string {
  const { message, errors } = errorDetails(body);
  const hint =
    status === 401 || status === 403
      ? ' Check the push token (--push-token or NOTIFY_PUSH_TOKEN must match the server).'
      : status === 404
        ? ' Is --server a notify server?'
        : '';
  const lines = [`the server answered ${status} ${statusText}${message ? `: ${message}` : ''}.${hint}`];
  for (const e of errors) lines.push(`  ${e}`);
  return lines.join('\n');
}

/** Finds a message and field errors in the shapes servers commonly use ({error:{message,errors}}, {message,errors}, ...). */
function errorDetails(body: unknown): { message?: string; errors: string[] } {
  if (typeof body === 'string') return body.trim() ? { message: body.trim().slice(0, 200), errors: [] } : { errors: [] };
  if (typeof body !== 'object' || body === null) return { errors: [] };
  const record = body as Record<string, unknown>;
  const inner = typeof record['error'] === 'object' && record['error'] !== null ? (record['error'] as Record<string, unknown>) : record;
  const message = [inner['message'], record['message'], record['error']].find((m): m is string => typeof m === 'string');
  const list = [inner['errors'], inner['details'], record['errors']].find(Array.isArray) as unknown[] | undefined;
  const errors = (list ?? []).map((e) => {
    if (typeof e !== 'object' || e === null) return String(e);
    const f = e as Record<string, unknown>;
    const where = f['pointer'] ?? f['instancePath'] ?? f['path'] ?? f['field'];
    return `${typeof where === 'string' && where !== '' ? where : '(root)'}: ${String(f['message'] ?? JSON.stringify(e))}`;
  });
  return message === undefined ? { errors } : { message, errors };
}
