// `notify webhooks`: list endpoints, list dead-lettered events, replay them (the admin routes of a running server).
import { Command, Option } from 'commander';
import { pushTokenOption, serviceHeaders } from '../support/credentials.js';
import { getJson, postJson } from '../support/http.js';
import { serverOption, stateDirOption } from '../support/options.js';
import { parseNonEmpty } from '../support/parsers.js';
import { resolveServer } from '../support/server-url.js';
import { exitWithUsageCode } from '../support/usage.js';

interface ClientOptions {
  server?: string;
  pushToken?: string;
  stateDir: string;
  json?: boolean;
}

interface DeadLetter {
  seq: string;
  eventId: string;
  endpointId: string;
  type: string;
  createdAt: number;
  attempts: number;
  lastError: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), parseNonEmpty(value)];
}

/** The server, and the admin credential's header: the push token or an API key with the admin scope (--push-token takes either). */
async function connection(options: ClientOptions): Promise<{ base: string; headers: Record<string, string> }> {
  const server = await resolveServer(options.server, options.stateDir);
  return { base: `${server.http}/api/v1/webhooks`, headers: await serviceHeaders(options) };
}

function clientCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .addOption(serverOption())
    .addOption(pushTokenOption('the credential of the admin routes (default: the dev push token in ./.notify/)'))
    .addOption(stateDirOption())
    .addOption(new Option('--json', 'print the server\'s JSON answer'));
}

function makeListCommand(): Command {
  return clientCommand('list', 'List the webhook endpoints (never their secrets)').action(async (options: ClientOptions) => {
    const { base, headers } = await connection(options);
    const answer = (await getJson(base, headers)) as { endpoints: { id: string; url: string; events: string[]; enabled: boolean; disabledReason?: string }[] };
    if (options.json) return void process.stdout.write(`${JSON.stringify(answer)}\n`);
    for (const e of answer.endpoints) {
      process.stdout.write(`${e.id}  ${e.enabled ? 'enabled ' : 'disabled'}  ${e.url}  ${e.events.join(',')}${e.disabledReason ? `  (${e.disabledReason})` : ''}\n`);
    }
  });
}

function makeDeadLettersCommand(): Command {
  return clientCommand('dead-letters', 'List webhook events given up on after their retry window, oldest first')
    .addOption(new Option('--endpoint <id>', 'only this endpoint\'s').argParser(parseNonEmpty))
    .action(async (options: ClientOptions & { endpoint?: string }) => {
      const { base, headers } = await connection(options);
      const all: DeadLetter[] = [];
      let after: string | null = null;
      do {
        const query = new URLSearchParams({ limit: '1000', ...(options.endpoint !== undefined && { endpoint: options.endpoint }), ...(after !== null && { after }) });
        const page = (await getJson(`${base}/dead-letters?${query}`, headers)) as { deadLetters: DeadLetter[]; nextCursor: string | null };
        all.push(...page.deadLetters);
        after = page.nextCursor;
      } while (after !== null);
      if (options.json) return void process.stdout.write(`${JSON.stringify({ deadLetters: all })}\n`);
      for (const d of all) process.stdout.write(`${d.eventId}  ${d.endpointId}  ${d.type}  ${new Date(d.createdAt).toISOString()}  ${d.attempts} attempts  ${d.lastError}\n`);
      process.stderr.write(`${all.length} dead-lettered event(s)\n`);
    });
}

function makeReplayCommand(): Command {
  return clientCommand('replay', 'Queue dead-lettered webhook events again (same webhook-id, a new 24-hour retry window)')
    .addOption(new Option('--endpoint <id>', 'only this endpoint\'s dead letters').argParser(parseNonEmpty))
    .addOption(new Option('--event <id>', 'only this event (repeat for several)').argParser(collect))
    .addHelpText('after', `
With neither --endpoint nor --event, every dead letter is replayed.

Examples:
  $ notify webhooks replay --server https://notify.example.com --push-token "$TOKEN"
  $ notify webhooks replay --endpoint whep_3f2c9a51d6e84b0f
  $ notify webhooks replay --event evt_0b6f… --event evt_91ac…

Exit codes: 0 done (also when nothing was dead), 1 server error, 2 usage.`)
    .action(async (options: ClientOptions & { endpoint?: string; event?: string[] }) => {
      const { base, headers } = await connection(options);
      const body = { ...(options.endpoint !== undefined && { endpointId: options.endpoint }), ...(options.event !== undefined && { eventIds: options.event }) };
      const answer = (await postJson(`${base}/dead-letters/replay`, body, headers)) as { replayed: number };
      process.stdout.write(options.json ? `${JSON.stringify(answer)}\n` : `replayed ${answer.replayed} dead-lettered event(s)\n`);
    });
}

/** Builds `notify webhooks` and its subcommands. */
export function makeWebhooksCommand(): Command {
  const command = new Command('webhooks').description('Webhook endpoints and dead letters of a running server (admin)');
  for (const sub of [makeListCommand(), makeDeadLettersCommand(), makeReplayCommand()]) command.addCommand(exitWithUsageCode(sub));
  return exitWithUsageCode(command);
}
