/**
 * Power-loss durability of the SQLite store by an explicit fdatasync of its WAL, off the event
 * loop. The store commits with `synchronous = NORMAL`: a commit writes its frames into the WAL
 * and returns without waiting for the disk (SQLite still syncs around every checkpoint). Whoever
 * must not answer before a write is on disk — a submit — awaits `synced()`, which resolves once
 * an fdatasync of the WAL that started after the call has finished, in a libuv thread while the
 * server goes on. Syncs are shared: callers arriving while one runs wait for the next one, so a
 * burst of commits costs two fdatasyncs at most, and never one on the event loop. Each sync opens
 * the WAL by its name, so it is always the file SQLite writes now; a WAL that is gone was
 * checkpointed into the database (synced) and removed by SQLite, so there is nothing to sync.
 */
import { close, constants, fdatasync, open } from 'node:fs';

/** Syncs the file at `path` to disk; a parameter so that tests can delay or fail it. */
export type SyncFile = (path: string, done: (error: NodeJS.ErrnoException | null) => void) => void;

// Node opens every descriptor close-on-exec: no task inherits this one.
const WAL_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

/** open, fdatasync, close — all in libuv threads. */
export const syncWalFile: SyncFile = (path, done) =>
  open(path, WAL_FLAGS, (openError, fd) => {
    if (openError) return done(openError.code === 'ENOENT' ? null : openError);
    fdatasync(fd, (syncError) => close(fd, () => done(syncError)));
  });

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

export class WalSync {
  private inFlight = false;
  private closed = false;
  /** Callers waiting for the next sync to start (those of the running one are its own). */
  private waiting: Waiter[] = [];

  /** Syncs the WAL of the database at `dbPath`. */
  constructor(
    dbPath: string,
    private readonly sync: SyncFile = syncWalFile,
  ) {
    this.walPath = `${dbPath}-wal`;
  }

  private readonly walPath: string;

  /** Resolves once everything committed before this call is on disk; rejects if the sync failed. */
  synced(): Promise<void> {
    // Closing the database checkpointed and synced everything: nothing is left to wait for.
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.inFlight) this.start();
    });
  }

  /** Asks for a sync without waiting for it (a write no caller waits on, made durable soon). */
  soon(): void {
    this.synced().catch(() => undefined); // Retried by the next sync; nobody answered on it.
  }

  /** No more syncs (the database is closing, which checkpoints and syncs it). */
  close(): void {
    this.closed = true;
  }

  private start(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    this.sync(this.walPath, (error) => {
      this.inFlight = false;
      for (const waiter of batch) {
        if (error) waiter.reject(error);
        else waiter.resolve();
      }
      if (!this.closed) {
        if (this.waiting.length > 0) this.start();
        return;
      }
      // The database was closed (checkpointed and synced) after these callers committed.
      for (const waiter of this.waiting.splice(0)) waiter.resolve();
    });
  }
}
