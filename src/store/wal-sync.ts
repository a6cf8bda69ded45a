/**
 * Power-loss durability of the SQLite store by an explicit fdatasync of its WAL, off the event
 * loop. The store commits with `synchronous = NORMAL`: a commit writes its frames into the WAL
 * and returns without waiting for the disk (SQLite still syncs around every checkpoint). Whoever
 * must not answer before a write is on disk — a submit — awaits `synced()`, which resolves once
 * an fdatasync of the WAL that started after the call has finished, in a libuv thread while the
 * server goes on. Syncs are shared: callers arriving while one runs wait for the next one, so a
 * burst of commits costs two fdatasyncs at most, and never one on the event loop.
 */
import { closeSync, constants, fdatasync, openSync } from 'node:fs';

/** fs.fdatasync's shape, a parameter so that tests can delay or fail it. */
export type Fdatasync = (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

export class WalSync {
  private inFlight = false;
  private closed = false;
  /** Callers waiting for the next sync to start (those of the running one are its own). */
  private waiting: Waiter[] = [];

  constructor(
    private readonly fd: number,
    private readonly sync: Fdatasync = fdatasync,
  ) {}

  /** Opens the WAL of the database at `dbPath` (it exists once the database is in WAL mode). */
  static open(dbPath: string, sync?: Fdatasync): WalSync {
    // Node opens every descriptor close-on-exec: no task inherits this one.
    const flags = constants.O_RDONLY | constants.O_NOFOLLOW;
    return new WalSync(openSync(`${dbPath}-wal`, flags), sync);
  }

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

  /** No more syncs; the descriptor is closed once the sync in flight (if any) is over. */
  close(): void {
    this.closed = true;
    if (!this.inFlight) closeSync(this.fd);
  }

  private start(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    this.sync(this.fd, (error) => {
      this.inFlight = false;
      for (const waiter of batch) {
        if (error) waiter.reject(error);
        else waiter.resolve();
      }
      if (!this.closed) {
        if (this.waiting.length > 0) this.start();
        return;
      }
      closeSync(this.fd);
      // The database was closed (checkpointed and synced) after these callers committed.
      for (const waiter of this.waiting.splice(0)) waiter.resolve();
    });
  }
}
