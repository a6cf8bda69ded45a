/**
 * Retention: finished tasks older than the `retention` key (default 30 days) are removed — their
 * rows and, through the framework's removeTaskFiles hook, their directories — so the store and
 * the work directory do not grow forever. Swept at start and then every hour, in batches.
 */
import type { Logger } from 'pino';
import { isStoreFault } from '../store/store-faults.js';
import type { Store } from '../store/store.js';

/** Rows removed per transaction: a long sweep never holds the store for long. */
const BATCH = 500;
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export interface RetentionOptions {
  store: Store;
  /** Age after which a finished task is removed, ms; 0 = kept forever. */
  maxAgeMs: number;
  log: Logger;
  /** Told of each removed task (events, files). */
  removed(task: { id: string; user: string }): void;
  everyMs?: number;
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RetentionOptions) {}

  /** Sweeps now and then every hour (nothing when retention is off). */
  start(): void {
    if (this.options.maxAgeMs <= 0) return;
    this.sweep();
    this.timer = setInterval(() => this.sweep(), this.options.everyMs ?? SWEEP_EVERY_MS);
    this.timer.unref();
  }

  /** Removes every finished task older than the retention; how many were removed. */
  sweep(now = Date.now()): number {
    const before = new Date(now - this.options.maxAgeMs).toISOString();
    let total = 0;
    try {
      for (;;) {
        const batch = this.options.store.deleteFinishedBefore(before, BATCH);
        for (const task of batch) this.options.removed(task);
        total += batch.length;
        if (batch.length < BATCH) break;
      }
    } catch (error) {
      // A store fault is logged once by the store; the next sweep tries again.
      if (!isStoreFault(error)) this.options.log.error({ err: error }, 'retention sweep failed');
    }
    if (total > 0) this.options.log.info({ removed: total, before }, 'retention removed old tasks');
    return total;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
