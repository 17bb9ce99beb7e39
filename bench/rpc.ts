// Request/reply over a child process's IPC channel, typed by a role's API, every call bounded in time.
import type { ChildProcess } from 'node:child_process';

type Methods<T> = { [K in keyof T]: (params: never) => unknown };
type Params<F> = F extends (params: infer P) => unknown ? P : never;
type Result<F> = F extends (params: never) => infer R ? Awaited<R> : never;

interface RpcRequest {
  rpc: number;
  method: string;
  params: unknown;
}

interface RpcReply {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

function isReply(message: unknown): message is RpcReply {
  return typeof message === 'object' && message !== null && typeof (message as RpcReply).rpc === 'number' && 'ok' in message;
}

/** The parent's side: calls a child's methods; a call that outlives its timeout rejects. */
export class RpcClient<T extends Methods<T>> {
  private next = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>();

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message) => {
      if (!isReply(message)) return;
      const call = this.pending.get(message.rpc);
      if (!call) return;
      this.pending.delete(message.rpc);
      clearTimeout(call.timer);
      if (message.ok) call.resolve(message.result);
      else call.reject(new Error(`${name}: ${message.error ?? 'failed'}`));
    });
    child.on('exit', (code, signal) => this.failAll(new Error(`${name} exited (${signal ?? code})`)));
  }

  call<K extends keyof T & string>(method: K, params: Params<T[K]>, timeoutMs: number): Promise<Result<T[K]>> {
    if (!this.child.connected) return Promise.reject(new Error(`${this.name} is not running`));
    const rpc = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rpc);
        reject(new Error(`${this.name}: ${method} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(rpc, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.child.send({ rpc, method, params } satisfies RpcRequest, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(rpc);
        reject(error);
      });
    });
  }

  private failAll(error: Error): void {
    for (const [rpc, call] of this.pending) {
      clearTimeout(call.timer);
      this.pending.delete(rpc);
      call.reject(error);
    }
  }
}

/** The child's side: answers calls with `handlers`; when the parent goes away, `onDisconnect` (default: exit), so no orphan stays. */
export function serveRpc<T extends Methods<T>>(
  handlers: { [K in keyof T]: (params: Params<T[K]>) => Result<T[K]> | Promise<Result<T[K]>> },
  onDisconnect: () => void = () => process.exit(0),
): void {
  if (!process.send) throw new Error('this script is a bench child process: start it with child_process.fork (an IPC channel)');
  process.on('message', (message: unknown) => {
    const request = message as RpcRequest;
    if (typeof request?.rpc !== 'number' || typeof request.method !== 'string') return;
    const handler = (handlers as Record<string, ((params: unknown) => unknown) | undefined>)[request.method];
    const reply = (body: Omit<RpcReply, 'rpc'>): void => {
      if (process.connected) process.send!({ rpc: request.rpc, ...body });
    };
    if (!handler) return reply({ ok: false, error: `unknown method ${request.method}` });
    Promise.resolve()
      .then(() => handler(request.params))
      .then(
        (result) => reply({ ok: true, result }),
        (error: unknown) => reply({ ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  process.on('disconnect', onDisconnect);
}
