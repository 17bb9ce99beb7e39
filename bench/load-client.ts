// Entry of a bench load process (forked by `notify bench`): `receiver` holds sockets, `pusher` calls the push API.
import type { PusherApi, ReceiverApi } from './protocol.js';
import { createPusher } from './pusher.js';
import { createReceiver } from './receiver.js';
import { serveRpc } from './rpc.js';

const role = process.argv[2];
if (role === 'receiver') serveRpc<ReceiverApi>(createReceiver(Number(process.argv[3] ?? 0)));
else if (role === 'pusher') serveRpc<PusherApi>(createPusher());
else {
  process.stderr.write(`load-client: unknown role ${JSON.stringify(role)}; expected receiver or pusher\n`);
  process.exit(2);
}
