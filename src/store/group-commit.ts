/**
 * Group commit: writes that arrive together (the submits of one event-loop turn) share one
 * transaction, and each caller hears of its write only after that commit is on disk. A commit that
 * fails fails every write of the group with its error — none of them is on disk. A write that
 * throws anything but a store fault (a refused task, a bug) fails alone: it runs in a savepoint of
 * its own, rolled back while the rest of the group commits. Order is kept: writes run, and are
 * answered, in the order they were asked for.
 *
 * With a deferred sync (the store's transactionUnsynced + syncToDisk) the group commits without
 * an fsync and its callers wait for the next shared fsync, which runs off the event loop: requests
 * keep being served while the disk works, and every group committed meanwhile shares that fsync.
 * If that fsync fails, the group's writes are undone and every one of them fails with the error.
 */
import { isStoreFault } from './store-faults.js';

/** Runs `work` in one transaction (Store.transaction); nested, a savepoint. */
export type RunTransaction = <T>(work: () => T) => T;

/** A commit without fsync, and the fsync that makes every such commit before it durable. */
export interface DeferredSync {
  transaction: RunTransaction;
  sync(): Promise<void>;
}

interface GroupEntry {
  work: () => unknown;
  /** Takes back what `work` wrote, when its commit could not be put on disk. */
  undo?: (value: unknown) => void;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private group: GroupEntry[] = [];
  private scheduled = false;
  /** Groups committed and waiting for their fsync. */
  private readonly syncing = new Set<Promise<void>>();
  /** The fsync of the last group committed, while it runs (afterSync never rejects). */
  private lastSync: Promise<void> | undefined;

  /**
   * `transaction` commits durably; `schedule` decides when a group closes (default: after this
   * event-loop turn's I/O); `deferred`, when given, commits groups and syncs them to disk apart.
   */
  constructor(
    private readonly transaction: RunTransaction,
    private readonly schedule: (commit: () => void) => void = (commit) => setImmediate(commit),
    private readonly deferred?: DeferredSync,
  ) {}

  /** How many writes wait for the next commit. */
  get waiting(): number {
    return this.group.length;
  }

  /**
   * Runs `work` with the group's other writes; resolves with its result once it is on disk.
   * `undo` takes the write back if it was committed but its fsync failed.
   */
  run<T>(work: () => T, undo?: (value: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: GroupEntry = { work, resolve: resolve as (value: unknown) => void, reject };
      if (undo) entry.undo = undo as (value: unknown) => void;
      this.group.push(entry);
      if (this.scheduled) return;
      this.scheduled = true;
      // While the last group's fsync runs, these writes could not be synced before it ends:
      // they wait and commit together then, one transaction instead of one per turn.
      const diskBusy = this.lastSync;
      if (diskBusy) void diskBusy.then(() => this.commitIfScheduled());
      else this.schedule(() => this.commit());
    });
  }

  private commitIfScheduled(): void {
    if (this.scheduled) this.commit();
  }

  /** Commits the waiting writes now (their answers may still wait for the fsync). */
  commit(): void {
    this.scheduled = false;
    const group = this.group;
    this.group = [];
    if (group.length === 0) return;
    let outcomes: Outcome[];
    const deferred = this.deferred;
    const transaction = deferred?.transaction ?? this.transaction;
    try {
      outcomes = transaction(() => group.map((entry) => this.runOne(entry)));
    } catch (error) {
      for (const entry of group) entry.reject(error);
      return;
    }
    if (!deferred) return settle(group, outcomes);
    const synced = this.afterSync(group, outcomes, () => deferred.sync());
    this.syncing.add(synced);
    this.lastSync = synced;
    void synced.finally(() => {
      this.syncing.delete(synced);
      if (this.lastSync === synced) this.lastSync = undefined;
    });
  }

  /** Commits what waits and resolves once every committed group has heard back (close). */
  async close(): Promise<void> {
    this.commit();
    await Promise.all([...this.syncing]);
  }

  /** Answers the group once its fsync is done; a failed fsync undoes the group and fails it. */
  private async afterSync(
    group: GroupEntry[],
    outcomes: Outcome[],
    sync: () => Promise<void>,
  ): Promise<void> {
    try {
      await sync();
    } catch (error) {
      this.undo(group, outcomes);
      for (const entry of group) entry.reject(error);
      return;
    }
    settle(group, outcomes);
  }

  /** Takes back the group's committed writes, in one durable transaction (best effort). */
  private undo(group: GroupEntry[], outcomes: Outcome[]): void {
    try {
      this.transaction(() => {
        group.forEach((entry, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) entry.undo?.(outcome.value);
        });
      });
    } catch {
      // The store fails as a whole: the callers hear the sync's error, which says so.
    }
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

function settle(group: GroupEntry[], outcomes: Outcome[]): void {
  group.forEach((entry, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) entry.resolve(outcome.value);
    else entry.reject(outcome.error);
  });
}
