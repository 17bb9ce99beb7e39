// `notify push --batch FILE`: JSON lines, one push each, checked against the contract, then sent through the batch API 1,000 at a time.
import { readFile } from 'node:fs/promises';
import { undeclaredCategory, type Catalog } from '../../src/catalog/catalog.js';
import { postJson } from '../support/http.js';

/** The batch API's item limit: longer files go in several requests, in file order. */
const itemsPerRequest = 1000;

/** One line of the file, numbered from 1. */
interface Line {
  number: number;
  item: Record<string, unknown>;
}

/** Reads FILE (`-`: stdin) as JSON lines; blank lines are skipped. Problems come back one per line. */
async function readLines(file: string): Promise<{ lines: Line[]; problems: string[] }> {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  const lines: Line[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      const item: unknown = JSON.parse(raw);
      if (item === null || typeof item !== 'object' || Array.isArray(item)) problems.push(`line ${i + 1}: not a JSON object`);
      else lines.push({ number: i + 1, item: item as Record<string, unknown> });
    } catch (error) {
      problems.push(`line ${i + 1}: not valid JSON: ${(error as Error).message}`);
    }
  });
  return { lines, problems };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The contract check of one line (the server checks every field again; this catches the common mistakes before sending). */
async function checkLine(line: Line, catalog: Catalog): Promise<string[]> {
  const { checkNotificationData } = await import('../../src/contract/check-notification.js');
  const { item } = line;
  const audiences = ['user', 'users', 'topic'].filter((field) => item[field] !== undefined);
  const problems: string[] = [];
  if (audiences.length !== 1) problems.push(`line ${line.number}: give exactly one of "user", "users" or "topic"`);
  const refusedCategory = undeclaredCategory(catalog, item['category']);
  if (refusedCategory !== undefined) problems.push(`line ${line.number}: ${refusedCategory}`);
  const check = checkNotificationData(item['type'], item['data'], catalog);
  if (!check.ok) {
    problems.push(`line ${line.number}: ${check.message}`);
    for (const e of check.errors) problems.push(`  ${e.pointer}: ${e.message}`);
  }
  return problems;
}

/** What one item's answer says, for a person. */
function describe(line: Line, answer: Record<string, unknown>): string {
  const at = `line ${line.number}`;
  const who = typeof line.item['user'] === 'string' ? line.item['user'] : typeof line.item['topic'] === 'string' ? `topic ${line.item['topic']}` : 'users';
  if (answer['status'] !== 201) {
    const details = Array.isArray(answer['details']) ? (answer['details'] as { pointer?: string; message?: string }[]).map((d) => `; ${d.pointer}: ${d.message}`).join('') : '';
    return `${at}: refused ${String(answer['status'])} ${String(answer['error'])}: ${String(answer['message'])}${details}`;
  }
  if (answer['scheduled'] === true) return `${at}: ${String(answer['id'])} scheduled for ${who} at ${String(answer['deliverAt'])}`;
  if (answer['suppressed'] === true) return `${at}: suppressed: ${who} turned this category or type off`;
  if (Array.isArray(answer['notifications'])) return `${at}: pushed to ${String(answer['count'])} users (${String(answer['suppressed'])} suppressed)${answer['replayed'] ? ', replayed' : ''}`;
  const replay = answer['replayed'] === true ? ' (replayed: already pushed with this idempotencyKey)' : '';
  return `${at}: ${String(answer['id'])} to ${who}, delivered to ${String(answer['delivered'])} device(s)${replay}`;
}

/**
 * Sends FILE's pushes; prints one line (or, with `json`, one JSON answer) per item. Returns the exit code: 0 when
 * every item was stored (or scheduled, or suppressed), 1 when a line was invalid (nothing sent) or an item refused.
 */
export async function pushBatch(options: { file: string; http: string; headers: Record<string, string>; catalog: Catalog; json: boolean }): Promise<number> {
  const { lines, problems } = await readLines(options.file);
  for (const line of lines) problems.push(...(await checkLine(line, options.catalog)));
  if (lines.length === 0 && problems.length === 0) problems.push(`${options.file} holds no pushes (one JSON object a line)`);
  if (problems.length > 0) {
    process.stderr.write(`notify push --batch: nothing sent:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return 1;
  }
  let refused = 0;
  for (let from = 0; from < lines.length; from += itemsPerRequest) {
    const chunk = lines.slice(from, from + itemsPerRequest);
    const answer = (await postJson(`${options.http}/api/v1/notifications/batch`, { items: chunk.map((l) => l.item) }, options.headers)) as { results: Record<string, unknown>[] };
    answer.results.forEach((result, i) => {
      if (result['status'] !== 201) refused++;
      process.stdout.write(`${options.json ? JSON.stringify({ line: chunk[i]!.number, ...result }) : describe(chunk[i]!, result)}\n`);
    });
  }
  if (refused > 0) process.stderr.write(`notify push --batch: ${refused} of ${lines.length} refused (see above); the others were sent\n`);
  return refused > 0 ? 1 : 0;
}
