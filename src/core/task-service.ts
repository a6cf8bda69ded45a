/**
 * The task service: accept → store → submit → follow → cancel/delete, for both APIs. The store is
 * the truth; framework reports move tasks only through the state guard, compare-and-set.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Backend, FrameworkCapacity, JobReport } from '../backends/backend.js';
import { invalidTask, JobProxyError } from '../errors.js';
import { isTerminal, type TaskState } from '../model/states.js';
import { newTaskRecord } from '../model/new-task.js';
import { newTaskId } from '../model/task-id.js';
import type { TaskRecord, TaskSpec } from '../model/task.js';
import { GroupCommit } from '../store/group-commit.js';
import { isStoreFault } from '../store/store-faults.js';
import type { Store, StoreStats, TaskPatch, TaskQuery, TaskSummary } from '../store/store.js';
import { checkOutputRoots, checkSupported } from './check-supported.js';
import type {
  FrameworkError,
  TaskChange,
  TaskEvent,
  TaskServiceOptions,
} from './task-service-types.js';
import { PendingWrites } from './pending-writes.js';
import { Retention } from './retention.js';
import { ReportRecorder } from './report-recorder.js';
import { TaskDispatcher } from './task-dispatcher.js';
import { transitionTask, type TransitionKnown, type TransitionResult } from './transition-task.js';

export type {
  FrameworkError,
  TaskChange,
  TaskEvent,
  TaskHooks,
  TaskServiceOptions,
} from './task-service-types.js';

export class TaskService {
  /** 'change' (TaskChange), 'accepted' and 'deleted' (TaskEvent), 'framework-error'. */
  readonly events = new EventEmitter();
  private readonly store: Store;
  private readonly backend: Backend;
  private readonly options: TaskServiceOptions;
  private readonly log: Logger;
  /** Tasks to hand to the framework, by id. */
  private readonly dispatcher: TaskDispatcher;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;
  /** Framework reports on their way to the store. */
  private readonly reports: ReportRecorder;
  /** Cancels in flight, by task: a second cancel (or delete) waits for the first. */
  private readonly cancels = new Map<string, Promise<void>>();
  /** Writes of the server's own (reports, job ids) that wait for a failed store. */
  readonly pendingWrites: PendingWrites;
  /** Removes finished tasks older than the `retention` key. */
  readonly retention: Retention;
  /** Submits of one event-loop turn: one transaction, answered after the next shared fsync. */
  private readonly commits: GroupCommit;
  /** Changes made inside a batch of reports, told once it committed (undefined: tell at once). */
  private deferredChanges: TaskChange[] | undefined;

  constructor(options: TaskServiceOptions) {
    this.options = options;
    this.store = options.store;
    this.backend = options.backend;
    this.log = options.log;
    this.events.setMaxListeners(0);
    this.pendingWrites = new PendingWrites({ log: this.log, retryMs: options.storeRetryMs });
    this.commits = new GroupCommit((work) => this.store.transaction(work), undefined, {
      transaction: (work) => this.store.transactionUnsynced(work),
      sync: () => this.store.syncToDisk(),
    });
    this.reports = new ReportRecorder({
      store: this.store,
      hooks: options.hooks,
      pendingWrites: this.pendingWrites,
      moveTo: (id, to, patch, current) =>
        void this.moveTo(id, to, patch, { current, readBack: false }),
      inOneTransaction: (work) => this.inOneTransaction(work),
      isClosed: () => this.closed,
    });
    this.retention = new Retention({
      store: this.store,
      maxAgeMs: (options.retentionSec ?? 0) * 1000,
      log: this.log,
      removed: (task) => this.forget(task),
    });
    this.dispatcher = new TaskDispatcher({
      store: this.store,
      backend: this.backend,
      hooks: options.hooks,
      log: this.log,
      moveTo: (id, to, patch) => this.moveLater(id, to, patch),
      later: (id, label, write) => void this.pendingWrites.run(id, label, write),
      failedCall: () =>
        this.events.emit('framework-error', { operation: 'submit' } satisfies FrameworkError),
    });
  }

  get framework(): string {
    return this.backend.info.name;
  }

  get backendInfo(): Backend['info'] {
    return this.backend.info;
  }

  /** Read-only store queries for the dashboard, events and metrics. */
  get stats(): StoreStats {
    return this.store;
  }

  /** What the framework has in use now, if it can tell. */
  frameworkCapacity(): FrameworkCapacity | undefined {
    return this.backend.capacity?.();
  }

  get containers(): string {
    return this.options.containers === 'auto'
      ? this.backend.info.containers
      : this.options.containers;
  }

  /** Re-attaches to what ran while the server was down, then starts dispatching and polling. */
  async start(): Promise<void> {
    const unfinished = this.store.listTasks({
      states: ['QUEUED', 'INITIALIZING', 'RUNNING', 'CANCELING'],
    });
    const withJobs = unfinished.filter((t) => t.jobId !== null);
    await this.backend.init?.();
    await this.backend.recover(withJobs);
    for (const task of unfinished) {
      if (task.state === 'CANCELING') void this.trackCancel(task.id, this.finishCancel(task));
      else if (task.jobId === null) this.dispatcher.push(task.id);
    }
    this.log.info(
      { recovered: withJobs.length, toSubmit: this.dispatcher.waitingCount },
      'task service started',
    );
    this.schedulePoll();
    this.retention.start();
  }

  /**
   * Accepts a task: checks it against the framework, stores it, then submits it. Resolves once
   * the task is on disk (committed with the other submits of this turn, then fsynced); a store
   * fault rejects, and leaves no task behind.
   */
  async accept(spec: TaskSpec): Promise<TaskRecord> {
    checkSupported(spec, this.backend.info, this.containers);
    const problems = [
      ...checkOutputRoots(spec, this.options.allowedRoots),
      ...(this.backend.checkTask?.(spec) ?? []),
    ];
    if (problems.length > 0) throw invalidTask(problems);
    const id = newTaskId();
    const taskDir = join(this.options.workdir, 'tasks', id);
    const owner = this.options.outputOwner?.(spec.user);
    const logPaths = spec.executors.map((executor, i) => ({
      stdout: executor.stdout ?? join(taskDir, i === 0 ? 'stdout' : `stdout.${i}`),
      stderr: executor.stderr ?? join(taskDir, i === 0 ? 'stderr' : `stderr.${i}`),
      ...(owner === undefined ? {} : { owner }),
    }));
    const fresh = newTaskRecord(id, spec, this.backend.info.name, logPaths);
    // The limit is checked in the transaction: it counts the group's earlier submits too.
    const record = await this.commits.run(
      () => {
        this.options.limits?.check(spec.user);
        return this.store.insertTask(fresh);
      },
      (stored) => this.store.deleteTask(stored.id),
    );
    this.dispatcher.push(record.id, record);
    this.events.emit('accepted', { id, user: spec.user, origin: spec.origin } satisfies TaskEvent);
    return record;
  }

  /** One task; `user` restricts to that owner (another's task is "not found"). */
  getTask(id: string, user?: string): TaskRecord {
    this.reports.writeArrived();
    const task = this.store.getTask(id);
    if (!task || (user !== undefined && task.spec.user !== user)) {
      throw new JobProxyError('TASK_NOT_FOUND', { id });
    }
    return task;
  }

  listSummaries(query: TaskQuery): TaskSummary[] {
    this.reports.writeArrived();
    return this.store.listSummaries(query);
  }

  listTasks(query: TaskQuery): TaskRecord[] {
    this.reports.writeArrived();
    return this.store.listTasks(query);
  }

  /**
   * Cancels an unfinished task and keeps its record (TES cancel). Finished — or ended on its own
   * and its outcome being recorded now — no change. A second cancel while one runs waits for it.
   */
  async cancelTask(id: string, user?: string): Promise<TaskRecord> {
    const task = this.getTask(id, user);
    // A cancel in flight is waited for even if the task's end is being collected meanwhile.
    let cancel = this.cancels.get(id);
    if (!cancel && (isTerminal(task.state) || this.reports.isFinishing(id))) return task;
    if (!cancel) {
      const { task: canceling, changed } = this.moveTo(task.id, 'CANCELING', {
        description: 'canceling',
      });
      if (!changed || canceling?.state !== 'CANCELING') return this.getTask(id);
      cancel = this.trackCancel(id, this.finishCancel(canceling));
    }
    await cancel;
    return this.getTask(id);
  }

  /**
   * Stops the task if it still runs, then removes it from the store (v1 delete). Of two deletes
   * at once one removes it; the other answers TASK_NOT_FOUND, as a later one would.
   */
  async deleteTask(id: string, user?: string): Promise<void> {
    const task = await this.cancelTask(id, user);
    if (!this.store.deleteTask(task.id)) throw new JobProxyError('TASK_NOT_FOUND', { id });
    this.log.info({ task: id, user: task.spec.user }, 'task deleted');
    this.forget({ id: task.id, user: task.spec.user });
  }

  /** After a task's row is gone: listeners are told, and its files go with it. */
  private forget(task: TaskEvent): void {
    this.events.emit('deleted', task satisfies TaskEvent);
    this.removeFiles(task.id);
  }

  /** The task's own files go with it (hook of the framework; a failure is only logged). */
  private removeFiles(id: string): void {
    this.backend
      .removeTaskFiles?.(id)
      ?.catch((error: unknown) =>
        this.log.warn({ task: id, err: error }, 'removing the task directory failed'),
      );
  }

  private trackCancel(id: string, cancel: Promise<void>): Promise<void> {
    const tracked = cancel
      .catch((error: unknown) => this.log.error({ task: id, err: error }, 'cancel failed'))
      .finally(() => this.cancels.delete(id));
    this.cancels.set(id, tracked);
    return tracked;
  }

  /**
   * Applies a framework's report about one task, if the state guard allows it. Never throws into
   * the framework: a store fault keeps the report for a retry (pending writes).
   */
  applyReport(taskId: string, report: JobReport): void {
    this.reports.apply(taskId, report);
  }

  async close(): Promise<void> {
    // Submits and reports of this turn are written (and submits answered) before the store goes.
    this.reports.writeArrived();
    this.closed = true;
    await this.commits.close();
    clearTimeout(this.pollTimer);
    this.retention.close();
    const submits = this.dispatcher.close();
    await this.backend.close();
    // A submit that got its job id before close still records it while the store is open.
    await submits;
    this.pendingWrites.flush();
    this.pendingWrites.close();
  }

  /**
   * Moves a task to `to` through the one guard (transition-task.ts). A store fault is thrown: a
   * request answers 503/507 (background writes use moveLater).
   */
  private moveTo(
    id: string,
    to: TaskState,
    patch: TaskPatch = {},
    known?: TransitionKnown,
  ): TransitionResult {
    // Reports that arrived before this move are written before it (their order is kept).
    this.reports.writeArrived();
    return transitionTask(
      this.store,
      id,
      to,
      patch,
      {
        changed: (change) => {
          if (this.deferredChanges) this.deferredChanges.push(change);
          else this.events.emit('change', change);
        },
        lost: () => this.log.warn({ task: id, to }, 'state change lost to concurrent writers'),
      },
      known,
    );
  }

  /**
   * Runs `work` (the state writes of many reports) in one transaction; the changes it made are
   * told only once it committed, and forgotten if it was rolled back (the caller retries them).
   */
  private inOneTransaction(work: () => void): void {
    const changes: TaskChange[] = [];
    this.deferredChanges = changes;
    try {
      this.store.transaction(work);
    } finally {
      this.deferredChanges = undefined;
    }
    for (const change of changes) this.events.emit('change', change);
  }

  /** moveTo for the server's own writes: a store fault keeps the move for a retry. */
  private moveLater(id: string, to: TaskState, patch: TaskPatch = {}): void {
    this.pendingWrites.run(id, `move to ${to}`, () => void this.moveTo(id, to, patch));
  }

  private async finishCancel(task: TaskRecord): Promise<void> {
    try {
      if (task.jobId !== null) await this.backend.cancel(task);
    } catch (error) {
      this.log.error({ task: task.id, err: error }, 'cancel failed');
      this.events.emit('framework-error', { operation: 'cancel' } satisfies FrameworkError);
      this.moveLater(task.id, 'SYSTEM_ERROR', {
        description: `cancel failed: ${(error as Error).message}`,
      });
      return;
    }
    this.moveLater(task.id, 'CANCELED', { description: 'canceled' });
  }

  private schedulePoll(): void {
    if (this.closed) return;
    this.pollTimer = setTimeout(() => void this.pollOnce(), this.options.pollInterval);
    this.pollTimer.unref();
  }

  private async pollOnce(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const tasks = this.store
        .listTasks({ states: this.backend.info.pollStates })
        .filter((t) => t.jobId !== null);
      if (tasks.length > 0) {
        const reports = await this.backend.poll(tasks);
        for (const [taskId, report] of reports) this.applyReport(taskId, report);
      }
    } catch (error) {
      // A store fault is logged once by the store; the next poll tries again.
      if (!isStoreFault(error)) {
        this.log.error({ err: error }, 'polling the framework failed');
        this.events.emit('framework-error', { operation: 'poll' } satisfies FrameworkError);
      }
    } finally {
      this.polling = false;
      this.schedulePoll();
    }
  }
}
