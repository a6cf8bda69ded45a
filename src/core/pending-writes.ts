/**
 * Writes the server makes on its own (a framework's report, a job id, a retry note) cannot be
 * answered with a 503: when the store fails, they are kept and retried, in order per task, until
 * the store works again. A task whose state could not be written is never forgotten while the
 * server runs (after a restart, recovery asks the framework again). Any other error is a bug:
 * logged, never thrown into the framework's event handlers.
 */
import type { Logger } from 'pino';
import { isStoreFault } from '../store/store-faults.js';

interface PendingWrite {
  label: string;
  write: () => void;
}

export interface PendingWritesOptions {
  log: Logger;
  /** First wait before a retry, ms; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

export class PendingWrites {
  /** Writes waiting for the store, by task, oldest first. */
  private readonly byTask = new Map<string, PendingWrite[]>();
  private timer: NodeJS.Timeout | undefined;
  private wait: number;
  private closed = false;

  constructor(private readonly options: PendingWritesOptions) {
    this.wait = options.retryMs ?? 1000;
  }

  /** How many writes wait for the store. */
  get size(): number {
    let count = 0;
    for (const writes of this.byTask.values()) count += writes.length;
    return count;
  }

  /** Whether writes of the task wait for the store (a new one must queue behind them). */
  isWaiting(taskId: string): boolean {
    return this.byTask.has(taskId);
  }

  /**
   * Runs `write` now, unless earlier writes of the task still wait (it then waits behind them); a
   * store fault keeps it for a retry. True when it ran now.
   */
  run(taskId: string, label: string, write: () => void): boolean {
    const waiting = this.byTask.get(taskId);
    if (waiting) {
      waiting.push({ label, write });
      return false;
    }
    if (this.attempt(taskId, { label, write })) return true;
    this.byTask.set(taskId, [{ label, write }]);
    this.schedule();
    return false;
  }

  /** Retries every waiting write now (also called by the timer). */
  flush(): void {
    for (const [taskId, writes] of this.byTask) {
      while (writes.length > 0 && this.attempt(taskId, writes[0]!)) writes.shift();
      if (writes.length === 0) this.byTask.delete(taskId);
    }
    if (this.byTask.size === 0) this.wait = this.options.retryMs ?? 1000;
    else this.schedule();
  }

  /** Stops retrying; what still waits is logged (recovery reads it from the framework). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.byTask.size > 0) {
      this.options.log.warn(
        { tasks: [...this.byTask.keys()], writes: this.size },
        'closing with task writes the store never took; a restart asks the framework again',
      );
    }
  }

  /** True when the write is done (or failed with a bug, which retrying cannot fix). */
  private attempt(taskId: string, pending: PendingWrite): boolean {
    try {
      pending.write();
      return true;
    } catch (error) {
      if (isStoreFault(error)) return false;
      this.options.log.error(
        { task: taskId, err: error, write: pending.label },
        'task write failed',
      );
      return true;
    }
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wait = Math.min(this.wait * 2, this.options.maxRetryMs ?? 30_000);
      this.flush();
    }, this.wait);
    this.timer.unref();
  }
}
