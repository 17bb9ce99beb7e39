// The SQLite store's group commit: every write of one event-loop turn in one transaction, each resolved after it commits.
import type Database from 'better-sqlite3';
import type { createWalSync } from './wal-sync.js';

interface Job {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** False for writes whose loss in an OS crash is harmless (touchUser): a batch of only those skips the fsync. */
  durable: boolean;
}

export interface WriteOptions {
  /** Default true: resolves only once the write is on disk. */
  durable?: boolean;
}

export interface GroupCommitOptions {
  /** Durable batches commit with `synchronous = NORMAL` and resolve after `walSync` (else FULL, fsync inside the commit). */
  asyncSync: boolean;
  walSync: ReturnType<typeof createWalSync>;
  /** Told after every group commit: how many writes it held and whether it was durable. */
  onCommit?: (writes: number, durable: boolean) => void;
  /** Run first inside every batch's transaction (the write lock held), before its writes. */
  onBatchStart?: () => void;
  /**
   * Told when writes rolled back: a batch's whole transaction, or one write's savepoint inside a batch that commits.
   * What memory keeps in step with the writes (the muting set) must be voided either way.
   */
  onRollback?: () => void;
}

export interface GroupCommit {
  /** Runs `run` inside the next group-commit transaction; resolves after that transaction commits (and, if durable, is on disk). */
  write<T>(run: () => T, options?: WriteOptions): Promise<T>;
  /** Commits what is queued; later writes are refused. */
  close(): void;
  isClosed(): boolean;
}

export function createGroupCommit(db: Database.Database, options: GroupCommitOptions): GroupCommit {
  const { asyncSync, walSync } = options;
  // A nested better-sqlite3 transaction is a savepoint: one failing job does not sink its batch.
  const inSavepoint = db.transaction((run: () => unknown) => run());
  const inBatch = db.transaction((batch: Job[]) => {
    options.onBatchStart?.();
    return batch.map((job) => {
      try {
        return { ok: true as const, value: inSavepoint(job.run) };
      } catch (error) {
        options.onRollback?.();
        return { ok: false as const, error };
      }
    });
  });

  let queue: Job[] = [];
  /** The connection's current `synchronous` setting: FULL for batches holding a durable write, NORMAL otherwise. */
  let synchronousFull = true;
  let scheduled = false;
  let closed = false;

  const flush = (): void => {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const durable = batch.some((job) => job.durable);
    let outcomes;
    try {
      if (!asyncSync && durable !== synchronousFull) {
        db.pragma(`synchronous = ${durable ? 'FULL' : 'NORMAL'}`);
        synchronousFull = durable;
      }
      outcomes = inBatch.immediate(batch);
    } catch (error) {
      options.onRollback?.();
      for (const job of batch) job.reject(error);
      return;
    }
    options.onCommit?.(batch.length, durable);
    const settle = (syncError?: Error): void => {
      outcomes.forEach((o, i) => {
        // Committed but not known to be on disk: the caller must not report it stored (a retry with the same idempotency key is safe).
        if (syncError) batch[i]!.reject(syncError);
        else if (o.ok) batch[i]!.resolve(o.value);
        else batch[i]!.reject(o.error);
      });
    };
    if (durable && asyncSync) walSync.after(settle);
    else settle();
  };

  return {
    write<T>(run: () => T, { durable = true }: WriteOptions = {}): Promise<T> {
      if (closed) return Promise.reject(new Error('NotificationStore is closed'));
      return new Promise<T>((resolve, reject) => {
        queue.push({ run, resolve: resolve as (value: unknown) => void, reject, durable });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    close() {
      closed = true;
      flush();
    },
    isClosed: () => closed,
  };
}
