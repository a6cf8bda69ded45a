/**
 * Group commit: writes that arrive together (the submits of one event-loop turn) share one
 * transaction and one disk sync, and each caller hears of its write only once that commit is on
 * disk (`durable`, the store's WAL sync: it runs off the event loop, and the next group may commit
 * meanwhile). A commit that fails fails every write of the group with its error — none of them
 * is in the store; a sync that fails fails them too (they may not survive a power cut). A
 * write that throws anything but a store fault (a refused task, a bug) fails alone: it runs in a
 * savepoint of its own, rolled back while the rest of the group commits. Order is kept: writes run
 * in the order they were asked for.
 */
import { isStoreFault } from './store-faults.js';

/** Runs `work` in one transaction (Store.transaction); nested, a savepoint. */
export type RunTransaction = <T>(work: () => T) => T;

interface GroupEntry {
  work: () => unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private group: GroupEntry[] = [];
  private scheduled = false;

  /**
   * `schedule` decides when a group closes (default: after this event-loop turn's I/O);
   * `durable` resolves once what was committed is on disk (Store.durable).
   */
  constructor(
    private readonly transaction: RunTransaction,
    private readonly schedule: (commit: () => void) => void = (commit) => setImmediate(commit),
    private readonly durable: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** How many writes wait for the next commit. */
  get waiting(): number {
    return this.group.length;
  }

  /** Runs `work` with the group's other writes; resolves with its result once committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.group.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      this.schedule(() => this.commit());
    });
  }

  /** Commits the waiting writes now (close: nothing asked for is left behind). */
  commit(): void {
    this.scheduled = false;
    const group = this.group;
    this.group = [];
    if (group.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.transaction(() => group.map((entry) => this.runOne(entry)));
    } catch (error) {
      for (const entry of group) entry.reject(error);
      return;
    }
    const committed: { entry: GroupEntry; value: unknown }[] = [];
    group.forEach((entry, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) committed.push({ entry, value: outcome.value });
      else entry.reject(outcome.error);
    });
    if (committed.length > 0) this.answerWhenDurable(committed);
  }

  /** Answers the committed writes once the disk has them — or fails them all if it has not. */
  private answerWhenDurable(committed: { entry: GroupEntry; value: unknown }[]): void {
    this.durable().then(
      () => committed.forEach(({ entry, value }) => entry.resolve(value)),
      (error: unknown) => committed.forEach(({ entry }) => entry.reject(error)),
    );
  }

  /** One write in its own savepoint; a store fault fails the whole group (rethrown). */
  private runOne(entry: GroupEntry): Outcome {
    try {
      return { ok: true, value: this.transaction(entry.work) };
    } catch (error) {
      if (isStoreFault(error)) throw error;
      return { ok: false, error };
    }
  }
}
