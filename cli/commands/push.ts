// `notify push`: validates a notification against the contract locally, then posts it to the push API.
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { undeclaredCategory, type Catalog } from '../../src/catalog/catalog.js';
import { loadCatalog } from '../../src/catalog/load-catalog.js';
import type { NotificationCheck } from '../../src/contract/check-notification.js';
import { contractOption } from '../support/contract-option.js';
import { formatFieldErrors } from '../../src/contract/validation-errors.js';
import { pushTokenOption, serviceHeaders } from '../support/credentials.js';
import { serverOption, stateDirOption } from '../support/options.js';
import { postJson } from '../support/http.js';
import { collectUserIds, parseDateTime, parseNonEmpty } from '../support/parsers.js';
import { resolveServer } from '../support/server-url.js';
import { topicPattern } from '../../src/store/store.js';
import { exitWithUsageCode, failUsage, usageError } from '../support/usage.js';
import { pushBatch } from './push-batch.js';

interface PushOptions {
  contract: string;
  user?: string[];
  broadcast?: boolean;
  topic?: string;
  type?: string;
  data?: string;
  file?: string;
  batch?: string;
  category?: string;
  critical?: boolean;
  idempotencyKey?: string;
  deliverAt?: string;
  expiresAt?: string;
  server?: string;
  pushToken?: string;
  stateDir: string;
  json?: boolean;
}

/** What gets pushed, once the flags and --file are merged. */
interface Payload {
  check: NotificationCheck;
  category: string | undefined;
}

/** A category as the contract allows: 1 to 64 characters. */
function parseCategory(value: string): string {
  if (value.length < 1 || value.length > 64) throw usageError(`a category has 1 to 64 characters, got ${value.length}`);
  return value;
}

/** A topic name as the server accepts it. */
function parseTopic(value: string): string {
  if (!topicPattern.test(value)) throw usageError(`a topic name matches [A-Za-z0-9._:-]{1,128}, got ${JSON.stringify(value)}`);
  return value;
}

/** Builds `notify push`. */
export function makePushCommand(): Command {
  const command = new Command('push')
    .description('Push a notification to users, a topic or everyone, after checking it against the contract')
    .addOption(new Option('--user <id>', 'recipient user id (repeat for several)').env('NOTIFY_USER').argParser(collectUserIds))
    .addOption(new Option('--broadcast', 'send to every user the server knows').env('NOTIFY_BROADCAST'))
    .addOption(new Option('--topic <name>', "send to the topic's subscribers").env('NOTIFY_TOPIC').argParser(parseTopic))
    .addOption(new Option('--type <type>', 'notification type from the contract, e.g. info').env('NOTIFY_TYPE'))
    .addOption(new Option('--data <json>', 'the notification data, as JSON').env('NOTIFY_DATA'))
    .addOption(new Option('--file <path>', 'a JSON file {type?, data, category?} instead of --type/--data').env('NOTIFY_FILE'))
    .addOption(new Option('--batch <file>', 'JSON lines ("-": stdin), one push a line: {user | users | topic, type, data, category?, critical?, expiresAt?, deliverAt?, idempotencyKey?}; sent 1,000 a request'))
    .addOption(new Option('--category <name>', "one of the contract's categories (info.x-notify-categories), e.g. invitations").env('NOTIFY_CATEGORY').argParser(parseCategory))
    .addOption(new Option('--idempotency-key <key>', 'a retried push with the same key returns the first answer').env('NOTIFY_IDEMPOTENCY_KEY').argParser(parseNonEmpty))
    .addOption(new Option('--critical', "deliver even to users who turned the category or type off (their preferences)").env('NOTIFY_CRITICAL'))
    .addOption(new Option('--deliver-at <iso>', 'deliver at this time (up to a year ahead); answered with a schedule handle').env('NOTIFY_DELIVER_AT').argParser(parseDateTime))
    .addOption(new Option('--expires-at <iso>', 'from this time on the notification is gone from every page, count and device').env('NOTIFY_EXPIRES_AT').argParser(parseDateTime))
    .addOption(serverOption())
    .addOption(pushTokenOption('service token of the push API (default: the dev token in ./.notify/)'))
    .addOption(new Option('--json', 'print the raw JSON answer (one object a line)').env('NOTIFY_JSON'))
    .addOption(contractOption('built-in'))
    .addOption(stateDirOption())
    .addHelpText(
      'after',
      `
Examples:
  $ notify push --user alice --type info --data '{"title":"Hi","message":"Hello","priority":"low"}'
  $ notify push --user alice --user bob --type warning --category system \\
      --data '{"title":"Disk","message":"90% full","actionRequired":true}'
  $ notify push --broadcast --type success --data '{"title":"Done","message":"Export ready","completionTime":"3s"}'
  $ notify push --topic group:42 --type info --data '{"title":"Standup","message":"in 5 min","priority":"medium"}'
  $ notify push --user alice --file notification.json --idempotency-key order-42 --json
  $ notify push --user alice --type info --data '{"title":"Standup","message":"now","priority":"low"}' \
      --deliver-at 2026-12-01T09:00:00Z --expires-at 2026-12-01T10:00:00Z
  $ notify push --batch nightly.jsonl      # {"user":"alice","type":"info","data":{…},"idempotencyKey":"n-1"} a line

Exit codes: 0 pushed, 1 invalid notification or server error (nothing is sent when invalid), 2 usage.`,
    )
    .action(async (options: PushOptions, cmd: Command) => {
      if (options.batch !== undefined) {
        const alone = ['user', 'broadcast', 'topic', 'type', 'data', 'file', 'category', 'critical', 'idempotencyKey', 'deliverAt', 'expiresAt'] as const;
        const mixed = alone.filter((name) => options[name] !== undefined && cmd.getOptionValueSource(name) !== 'env');
        if (mixed.length > 0) failUsage(cmd, `--batch takes every push from the file: drop ${mixed.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
        const server = await resolveServer(options.server, options.stateDir);
        const headers = await serviceHeaders(options);
        process.exitCode = await pushBatch({ file: options.batch, http: server.http, headers, catalog: await loadCatalog(options.contract), json: options.json === true });
        return;
      }
      // An env NOTIFY_USER does not fight an explicit --broadcast or --topic.
      const audiences = (options.broadcast ? 1 : 0) + (options.topic === undefined ? 0 : 1);
      const users = audiences > 0 && cmd.getOptionValueSource('user') === 'env' ? undefined : options.user;
      if (audiences + (users ? 1 : 0) > 1) failUsage(cmd, 'use one of --user, --broadcast or --topic');
      if (!users && audiences === 0) failUsage(cmd, 'say who gets it: --user ID (repeatable), --broadcast or --topic T');
      if (options.data !== undefined && options.file !== undefined) failUsage(cmd, 'use --data or --file, not both');
      if (options.data === undefined && options.file === undefined) failUsage(cmd, 'give the notification data: --data JSON or --file F');
      if (options.file === undefined && options.type === undefined) failUsage(cmd, '--type is required with --data');

      const catalog = await loadCatalog(options.contract);
      const payload = await readPayload(options, catalog);
      const refusedCategory = undeclaredCategory(catalog, payload.category);
      if (refusedCategory !== undefined) {
        process.stderr.write(`notify push: nothing sent: ${refusedCategory}\n`);
        process.exitCode = 1;
        return;
      }
      if (!payload.check.ok) {
        const { check } = payload;
        const lines = [`notify push: nothing sent: ${check.message}`];
        // An unknown type's message already lists the valid types; data errors come one per field.
        if (check.code === 'invalid_data') lines.push(formatFieldErrors(check.errors).replace(/^/gm, '  '));
        process.stderr.write(`${lines.join('\n')}\n`);
        process.exitCode = 1;
        return;
      }
      const body = {
        type: payload.check.type,
        data: payload.check.data,
        ...(payload.category !== undefined && { category: payload.category }),
        ...(options.critical === true && { critical: true }),
        ...(options.expiresAt !== undefined && { expiresAt: options.expiresAt }),
        ...(options.deliverAt !== undefined && { deliverAt: options.deliverAt }),
      };
      const server = await resolveServer(options.server, options.stateDir);
      const headers = await serviceHeaders(options);
      if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;

      const sends = sendsTo(server.http, options.topic !== undefined ? { topic: options.topic } : users ?? 'broadcast', body);
      for (const send of sends) {
        const answer = await postJson(send.url, send.body, headers).catch((error: Error) => {
          throw new Error(sends.length > 1 ? `pushing to ${send.to}: ${error.message}` : error.message);
        });
        const line = options.json ? JSON.stringify(answer) : isScheduled(answer) ? scheduledLine(answer, send.to) : send.line(answer as PushAnswer);
        process.stdout.write(`${line}\n`);
      }
    });
  return exitWithUsageCode(command.showHelpAfterError('(run with --help for usage and examples)'));
}

/** The fields of a push answer the summary lines name (the API's PushResult, SharedPushResult, MultiPushResult). */
type PushAnswer = { id?: unknown; count?: unknown; delivered?: unknown; suppressed?: unknown };

/** One POST of a push, and how its answer reads for a person. */
interface Send {
  url: string;
  body: object;
  /** Who it is for, in a scheduled answer's line and in an error of one of several sends. */
  to: string;
  /** The line of an answer that was stored (not scheduled). */
  line(answer: PushAnswer): string;
}

/** The POSTs of a push to a topic, to everyone, or to each of the users. */
function sendsTo(http: string, audience: { topic: string } | 'broadcast' | readonly string[], body: object): Send[] {
  if (audience === 'broadcast') {
    return [{
      url: `${http}/api/v1/notifications`,
      body: { broadcast: true, ...body },
      to: 'everyone',
      line: ({ count, delivered, suppressed }) =>
        `broadcast to ${plural(count, 'user')}${delivered === undefined ? '' : `, delivered to ${plural(delivered, 'device')}`}${mutedBy(suppressed)}`,
    }];
  }
  if ('topic' in audience) {
    const { topic } = audience;
    return [{
      url: `${http}/api/v1/topics/${encodeURIComponent(topic)}/notifications`,
      body,
      to: `topic ${topic}`,
      line: ({ id, count, delivered, suppressed }) =>
        `${String(id)} to topic ${topic}: ${plural(count, 'subscriber')}, delivered to ${plural(delivered, 'device')}${mutedBy(suppressed)}`,
    }];
  }
  const users = audience;
  return users.map((user) => ({
    url: `${http}/api/v1/users/${encodeURIComponent(user)}/notifications`,
    body,
    to: user,
    line: ({ id, delivered, suppressed }) =>
      suppressed === true
        ? `suppressed: ${user} turned this category or type off (nothing stored; --critical overrides)`
        : `${String(id)} delivered to ${plural(delivered, 'device')}${users.length > 1 ? ` (${user})` : ''}`,
  }));
}

/** The answer to a push with `deliverAt`. */
function isScheduled(answer: unknown): answer is { id: string; scheduled: true; deliverAt: string } {
  return typeof answer === 'object' && answer !== null && (answer as { scheduled?: unknown }).scheduled === true;
}

/** "sched_… scheduled for alice at 2026-12-01T09:00:00.000Z (cancel: DELETE /api/v1/notifications/sched_…)". */
function scheduledLine(answer: { id: string; deliverAt: string }, to: string): string {
  return `${answer.id} scheduled for ${to} at ${answer.deliverAt} (cancel or retract: DELETE /api/v1/notifications/${answer.id})`;
}

/** ", 2 suppressed (turned off by the user)" when some of the audience had it off. */
function mutedBy(suppressed: unknown): string {
  return typeof suppressed === 'number' && suppressed > 0 ? `, ${suppressed} suppressed (turned off by the user)` : '';
}

/** "1 device", "2 devices". */
function plural(count: unknown, noun: string): string {
  return `${String(count)} ${count === 1 ? noun : `${noun}s`}`;
}

/** Merges --file with the flags (flags win) and checks the result against the contract. */
async function readPayload(options: PushOptions, catalog: Catalog): Promise<Payload> {
  // On use: every notify process (a serve worker too) loads this module to build the command line.
  const { checkNotificationData, checkNotificationJson } = await import('../../src/contract/check-notification.js');
  if (options.data !== undefined) {
    return { check: checkNotificationJson(options.type, options.data, catalog), category: options.category };
  }
  const file = options.file as string;
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('data' in parsed)) {
    throw new Error(`${file} must hold a JSON object {"type"?, "data", "category"?}`);
  }
  const fromFile = parsed as { type?: unknown; data: unknown; category?: unknown };
  const type = options.type ?? fromFile.type;
  if (type === undefined) throw new Error(`no notification type: pass --type or put "type" in ${file}`);
  const category = options.category ?? fromFile.category;
  if (category !== undefined && (typeof category !== 'string' || category.length < 1 || category.length > 64)) {
    throw new Error(`${file}: /category must be a string of 1 to 64 characters`);
  }
  return { check: checkNotificationData(type, fromFile.data, catalog), category };
}
