/**
 * Hands accepted tasks to the framework in submit order — one at a time unless the framework
 * allows more in flight (a batch scheduler's submit command is slow but runs in parallel) — and
 * keeps a task QUEUED, retrying later, while the framework cannot be reached. A framework that
 * refuses a task makes it SYSTEM_ERROR with the reason.
 */
import type { Logger } from 'pino';
import { RetryableSubmitError, type Backend } from '../backends/backend.js';
import type { TaskState } from '../model/states.js';
import type { TaskRecord } from '../model/task.js';
import type { Store, TaskPatch } from '../store/store.js';
import type { TaskHooks } from './task-service-types.js';

export interface DispatcherDeps {
  store: Store;
  backend: Backend;
  hooks?: TaskHooks;
  log: Logger;
  /** Moves a task through the state guard (the service's one way to change a state). */
  moveTo(id: string, to: TaskState, patch: TaskPatch): void;
  /** Told of each failed call to the framework (metrics). */
  failedCall(): void;
}

export class TaskDispatcher {
  /** A fresh record from accept (saves a read), or an id to read. */
  private readonly waiting: (string | TaskRecord)[] = [];
  /** Submits in flight, by task id. */
  private readonly submitting = new Map<string, Promise<void>>();
  /** Retries waiting for their time, cleared on close. */
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly deps: DispatcherDeps) {}

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Queues a task for the framework and starts submitting. */
  push(task: string | TaskRecord): void {
    this.waiting.push(task);
    this.drain();
  }

  /** Stops submitting; resolves once the submits in flight have recorded their job ids. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    await Promise.allSettled(this.submitting.values());
  }

  private drain(): void {
    const { store, backend } = this.deps;
    const limit = Math.max(1, backend.info.submitConcurrency ?? 1);
    while (this.submitting.size < limit && this.waiting.length > 0 && !this.closed) {
      const next = this.waiting.shift()!;
      // A cancel between accept and here is caught after the submit.
      const task = typeof next === 'string' ? store.getTask(next) : next;
      if (!task || task.state !== 'QUEUED' || task.jobId !== null || this.submitting.has(task.id)) {
        continue;
      }
      const submit = this.submit(task).finally(() => {
        this.submitting.delete(task.id);
        this.drain();
      });
      this.submitting.set(task.id, submit);
    }
  }

  private async submit(task: TaskRecord): Promise<void> {
    const { store, backend, hooks, moveTo } = this.deps;
    if (hooks?.beforeSubmit) {
      const failure = await hooks.beforeSubmit(task).then(
        () => undefined,
        (error: Error) => error.message,
      );
      // Canceled or closed while it was prepared: it must not start now.
      if (this.closed || store.getState(task.id) !== 'QUEUED') return;
      if (failure !== undefined) {
        moveTo(task.id, 'SYSTEM_ERROR', {
          description: `preparing the task failed: ${failure}`,
          systemLogs: [...task.systemLogs, failure],
        });
        return;
      }
    }
    try {
      const jobId = await backend.submit(task);
      store.setJobId(task.id, jobId);
      // Canceled (or deleted) while the submit was in flight: stop the job it started.
      const state = store.getState(task.id);
      if (state === undefined || state === 'CANCELING' || state === 'CANCELED') {
        await backend.cancel({ ...task, jobId });
      }
    } catch (error) {
      if (this.closed) return;
      this.deps.failedCall();
      if (error instanceof RetryableSubmitError) return this.retryLater(task, error);
      const reason = (error as Error).message;
      this.deps.log.warn({ task: task.id, err: error }, 'framework refused the task');
      moveTo(task.id, 'SYSTEM_ERROR', {
        description: `the ${backend.info.name} framework could not start the task: ${reason}`,
        systemLogs: [...task.systemLogs, reason],
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
    this.deps.store.patchIf(task.id, 'QUEUED', {
      description: `waiting to be submitted: ${error.message} (next try in ${seconds} s)`,
    });
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.push(task.id);
    }, error.retryAfterMs);
    timer.unref();
    this.retryTimers.add(timer);
  }
}
