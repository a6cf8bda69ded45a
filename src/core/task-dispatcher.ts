/**
 * Hands accepted tasks to the framework in submit order — one at a time unless the framework
 * allows more in flight (a batch scheduler's submit command is slow but runs in parallel) — and
 * keeps a task QUEUED, retrying later, while the framework cannot be reached. A framework that
 * refuses a task makes it SYSTEM_ERROR with the reason. A store that fails while a task is
 * handed over never loses it: its writes wait in the service's pending writes, its read is retried.
 */
import type { Logger } from 'pino';
import { RetryableSubmitError, type Backend } from '../backends/backend.js';
import type { TaskState } from '../model/states.js';
import type { TaskRecord } from '../model/task.js';
import { isStoreFault } from '../store/store-faults.js';
import type { Store, TaskPatch } from '../store/store.js';
import type { TaskHooks } from './task-service-types.js';

/** Preparations (TES staging) running at once, beside the submits. */
const PREPARE_LIMIT = 8;
/**
 * Records read and waiting for a submit slot, at most: the rest of the queue is ids only, so a
 * long queue costs an id a task, not a whole record.
 */
const READY_LIMIT = 16;

export interface DispatcherDeps {
  store: Store;
  backend: Backend;
  hooks?: TaskHooks;
  log: Logger;
  /** Moves a task through the state guard (the service's one way to change a state); never throws. */
  moveTo(id: string, to: TaskState, patch: TaskPatch): void;
  /** Runs a store write now, or keeps it for a retry when the store fails (never throws). */
  later(taskId: string, label: string, write: () => void): void;
  /** Told of each failed call to the framework (metrics). */
  failedCall(): void;
}

export class TaskDispatcher {
  /** Ids of the tasks to hand over, in submit order; each is read when its turn nears. */
  private readonly waiting: string[] = [];
  /** Submits in flight, by task id. */
  private readonly submitting = new Map<string, Promise<void>>();
  /** Preparations (TES staging) in flight, by task id. */
  private readonly preparing = new Map<string, Promise<void>>();
  /** Prepared (or with nothing to prepare), waiting for a submit slot, in the order they got here. */
  private readonly ready: TaskRecord[] = [];
  /** Tasks prepared once: a submit retried later does not stage them again. */
  private readonly prepared = new Set<string>();
  /** Job ids of this event-loop turn's submits, written together in one transaction after it. */
  private jobIds: { task: TaskRecord; jobId: string }[] = [];
  /** Retries waiting for their time, cleared on close. */
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** How long to wait before reading again tasks whose read failed (store fault), ms. */
  private readonly readRetryMs: number;

  constructor(
    private readonly deps: DispatcherDeps,
    options: { readRetryMs?: number } = {},
  ) {
    this.readRetryMs = options.readRetryMs ?? 1000;
  }

  get waitingCount(): number {
    return this.waiting.length + this.preparing.size + this.ready.length;
  }

  /**
   * Queues a task for the framework and starts submitting. A `record` just stored (accept) is
   * taken as it is when nothing waits before it and it is still QUEUED, instead of being read
   * back whole.
   */
  push(id: string, record?: TaskRecord): void {
    const takeRecord = record && this.waiting.length === 0 && this.canTakeMore();
    if (takeRecord && this.stillQueued(id)) this.admit(record);
    else this.waiting.push(id);
    this.drain();
  }

  /**
   * Whether the task is QUEUED in the store now: a task is listed once its group commits, so it
   * can be canceled before its accept resumes. A store fault says no (the id is read later).
   */
  private stillQueued(id: string): boolean {
    return this.stateOf(id, false) === 'QUEUED';
  }

  /** Stops submitting; resolves once the submits in flight have recorded their job ids. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    await Promise.allSettled([...this.preparing.values(), ...this.submitting.values()]);
    await this.writeJobIds();
  }

  private drain(): void {
    const limit = Math.max(1, this.deps.backend.info.submitsInFlight ?? 1);
    // Refilled as it empties: only READY_LIMIT records are read ahead.
    while ((this.startPreparing(), this.submitting.size < limit && this.ready.length > 0)) {
      if (this.closed) return;
      const task = this.ready.shift()!;
      const submit = this.submit(task)
        .catch((error: unknown) =>
          this.deps.log.error({ task: task.id, err: error }, 'handing the task over failed'),
        )
        .finally(() => {
          this.submitting.delete(task.id);
          this.drain();
        });
      this.submitting.set(task.id, submit);
    }
  }

  /** Whether another record may be read ahead: to prepare, or to wait for a submit slot. */
  private canTakeMore(): boolean {
    return this.preparing.size < PREPARE_LIMIT && this.ready.length < READY_LIMIT && !this.closed;
  }

  /** Reads waiting tasks, in order, while records may be taken. */
  private startPreparing(): void {
    while (this.waiting.length > 0 && this.canTakeMore()) {
      const task = this.read(this.waiting.shift()!);
      if (task) this.admit(task);
    }
  }

  /**
   * Moves a task on: with nothing to prepare (or prepared before a retry) straight to the submits,
   * otherwise to its preparation (TES staging), which runs beside the submits and many at a time —
   * a slow download holds its own task only, never the submit slot.
   */
  private admit(task: TaskRecord): void {
    // A cancel between accept and here is caught after the submit.
    if (task.state !== 'QUEUED' || task.jobId !== null || this.isInFlight(task.id)) {
      this.prepared.delete(task.id);
      return;
    }
    const hooks = this.deps.hooks;
    if (!hooks?.beforeSubmit || this.prepared.has(task.id) || hooks.prepares?.(task) === false) {
      this.ready.push(task);
      return;
    }
    const preparing = this.prepare(task)
      .catch((error: unknown) =>
        this.deps.log.error({ task: task.id, err: error }, 'preparing the task failed'),
      )
      .finally(() => {
        this.preparing.delete(task.id);
        this.drain();
      });
    this.preparing.set(task.id, preparing);
  }

  private isInFlight(id: string): boolean {
    return this.submitting.has(id) || this.preparing.has(id) || this.ready.some((t) => t.id === id);
  }

  /** Runs the hooks' preparation; a prepared task waits for a submit slot. */
  private async prepare(task: TaskRecord): Promise<void> {
    const failure = await this.deps.hooks!.beforeSubmit!(task).then(
      () => undefined,
      (error: Error) => error.message,
    );
    // Canceled or closed while it was prepared: it must not start now.
    if (this.closed || this.stateOf(task.id) !== 'QUEUED') return;
    if (failure !== undefined) {
      this.deps.moveTo(task.id, 'SYSTEM_ERROR', {
        description: `preparing the task failed: ${failure}`,
        systemLogs: [...task.systemLogs, failure],
      });
      return;
    }
    this.prepared.add(task.id);
    this.ready.push(task);
  }

  /** The task to submit; a store that cannot be read now keeps the id for a later try. */
  private read(id: string): TaskRecord | undefined {
    try {
      return this.deps.store.getTask(id);
    } catch (error) {
      if (!isStoreFault(error)) throw error;
      this.pushAfter(id, this.readRetryMs);
      return undefined;
    }
  }

  /**
   * The state of a task now; a store fault counts as "still QUEUED" (checked again later), or,
   * with `faultIsQueued` false, as no state at all.
   */
  private stateOf(id: string, faultIsQueued = true): TaskState | undefined {
    try {
      return this.deps.store.getState(id);
    } catch (error) {
      if (!isStoreFault(error)) throw error;
      return faultIsQueued ? 'QUEUED' : undefined;
    }
  }

  private async submit(task: TaskRecord): Promise<void> {
    const { backend, moveTo } = this.deps;
    let jobId: string;
    try {
      jobId = await backend.submit(task);
    } catch (error) {
      if (this.closed) return;
      this.deps.failedCall();
      if (error instanceof RetryableSubmitError) return this.retryLater(task, error);
      const reason = (error as Error).message;
      this.deps.log.warn({ task: task.id, err: error }, 'framework refused the task');
      this.prepared.delete(task.id);
      moveTo(task.id, 'SYSTEM_ERROR', {
        description: `the ${backend.info.name} framework could not start the task: ${reason}`,
        systemLogs: [...task.systemLogs, reason],
      });
      return;
    }
    this.prepared.delete(task.id);
    this.jobIds.push({ task, jobId });
    if (this.jobIds.length === 1) setImmediate(() => void this.writeJobIds());
  }

  /**
   * Records the job ids that arrived, in one transaction; its fsync is the store's shared one,
   * off the event loop (nobody waits for it). A power cut before it loses only job ids, as a crash
   * between a submit and this write does: those tasks are handed over again at the next start.
   * If the transaction fails, each goes its own way through the pending writes (retried while the
   * store fails).
   */
  private writeJobIds(): Promise<void> {
    const batch = this.jobIds;
    this.jobIds = [];
    if (batch.length === 0) return Promise.resolve();
    try {
      this.deps.store.transactionUnsynced(() => {
        for (const { task, jobId } of batch) this.deps.store.setJobId(task.id, jobId);
      });
    } catch {
      for (const { task, jobId } of batch) {
        this.deps.later(task.id, 'job id', () => this.recordJobId(task, jobId));
      }
      return Promise.resolve();
    }
    for (const { task, jobId } of batch) {
      this.deps.later(task.id, 'cancel check', () => this.cancelIfCanceled(task, jobId));
    }
    // A failed fsync is logged by the store; the next commit's fsync carries these rows.
    return this.deps.store.syncToDisk().catch(() => undefined);
  }

  /** Records the job id; a task canceled (or deleted) while the submit ran has its job stopped. */
  private recordJobId(task: TaskRecord, jobId: string): void {
    this.deps.store.setJobId(task.id, jobId);
    this.cancelIfCanceled(task, jobId);
  }

  /** Stops the job of a task canceled (or deleted) while its submit ran. */
  private cancelIfCanceled(task: TaskRecord, jobId: string): void {
    const { store, backend, log } = this.deps;
    const state = store.getState(task.id);
    if (state === undefined || state === 'CANCELING' || state === 'CANCELED') {
      backend.cancel({ ...task, jobId }).catch((error: unknown) => {
        this.deps.failedCall();
        log.error(
          { task: task.id, err: error },
          'stopping a job canceled during its submit failed',
        );
      });
    }
  }

  /** Keeps the task QUEUED and submits it again later (the framework could not be reached). */
  private retryLater(task: TaskRecord, error: RetryableSubmitError): void {
    const seconds = Math.round(error.retryAfterMs / 100) / 10;
    this.deps.log.warn(
      { task: task.id, err: error, retryInSeconds: seconds },
      'submit failed; retrying',
    );
    this.deps.later(task.id, 'retry note', () => {
      this.deps.store.patchIf(task.id, 'QUEUED', {
        description: `waiting to be submitted: ${error.message} (next try in ${seconds} s)`,
      });
    });
    this.pushAfter(task.id, error.retryAfterMs);
  }

  /** Queues the task id again after `ms`. */
  private pushAfter(id: string, ms: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.push(id);
    }, ms);
    timer.unref();
    this.retryTimers.add(timer);
  }
}
