/**
 * The task service: accept → store → submit → follow → cancel/delete, for both APIs. The store is
 * the truth; framework reports move tasks only through the state guard, compare-and-set.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Backend, FrameworkCapacity, JobReport } from '../backends/backend.js';
import { invalidTask, JobProxyError } from '../errors.js';
import { canTransition, isTerminal, type TaskState } from '../model/states.js';
import { newTaskRecord } from '../model/new-task.js';
import type { TaskRecord, TaskSpec } from '../model/task.js';
import type { Store, StoreStats, TaskPatch, TaskQuery, TaskSummary } from '../store/store.js';
import { checkOutputRoots, checkSupported } from './check-supported.js';
import type { FrameworkError, TaskEvent, TaskServiceOptions } from './task-service-types.js';
import { TaskDispatcher } from './task-dispatcher.js';
import { transitionTask } from './transition-task.js';

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
  /** Tasks to hand to the framework: a fresh record from accept, or an id to read. */
  private readonly dispatcher: TaskDispatcher;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;
  /** Tasks whose beforeFinish hook runs now: further reports of their end are ignored. */
  private readonly finishing = new Set<string>();

  constructor(options: TaskServiceOptions) {
    this.options = options;
    this.store = options.store;
    this.backend = options.backend;
    this.log = options.log;
    this.events.setMaxListeners(0);
    this.dispatcher = new TaskDispatcher({
      store: this.store,
      backend: this.backend,
      hooks: options.hooks,
      log: this.log,
      moveTo: (id, to, patch) => void this.moveTo(id, to, patch),
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
      if (task.state === 'CANCELING') void this.finishCancel(task);
      else if (task.jobId === null) this.dispatcher.push(task.id);
    }
    this.log.info(
      { recovered: withJobs.length, toSubmit: this.dispatcher.waitingCount },
      'task service started',
    );
    this.schedulePoll();
  }

  /** Accepts a task: checks it against the framework, stores it, then submits it. */
  accept(spec: TaskSpec): TaskRecord {
    this.options.limits?.check(spec.user);
    checkSupported(spec, this.backend.info, this.containers);
    const problems = [
      ...checkOutputRoots(spec, this.options.allowedRoots),
      ...(this.backend.checkTask?.(spec) ?? []),
    ];
    if (problems.length > 0) throw invalidTask(problems);
    const id = randomUUID();
    const taskDir = join(this.options.workdir, 'tasks', id);
    const owner = this.options.outputOwner?.(spec.user);
    const logPaths = spec.executors.map((executor, i) => ({
      stdout: executor.stdout ?? join(taskDir, i === 0 ? 'stdout' : `stdout.${i}`),
      stderr: executor.stderr ?? join(taskDir, i === 0 ? 'stderr' : `stderr.${i}`),
      ...(owner === undefined ? {} : { owner }),
    }));
    const record = this.store.insertTask(newTaskRecord(id, spec, this.backend.info.name, logPaths));
    this.dispatcher.push(record);
    this.events.emit('accepted', { id, user: spec.user } satisfies TaskEvent);
    return record;
  }

  /** One task; `user` restricts to that owner (another's task is "not found"). */
  getTask(id: string, user?: string): TaskRecord {
    const task = this.store.getTask(id);
    if (!task || (user !== undefined && task.spec.user !== user)) {
      throw new JobProxyError('TASK_NOT_FOUND', { id });
    }
    return task;
  }

  listSummaries(query: TaskQuery): TaskSummary[] {
    return this.store.listSummaries(query);
  }

  listTasks(query: TaskQuery): TaskRecord[] {
    return this.store.listTasks(query);
  }

  /** Cancels an unfinished task and keeps its record (TES cancel). Finished: no change. */
  async cancelTask(id: string, user?: string): Promise<TaskRecord> {
    const task = this.getTask(id, user);
    if (isTerminal(task.state)) return task;
    const canceling = this.moveTo(task.id, 'CANCELING', { description: 'canceling' });
    if (canceling?.state === 'CANCELING') await this.finishCancel(canceling);
    return this.getTask(id);
  }

  /** Stops the task if it still runs, then removes it from the store (v1 delete). */
  async deleteTask(id: string, user?: string): Promise<void> {
    const task = await this.cancelTask(id, user);
    this.store.deleteTask(task.id);
    this.events.emit('deleted', { id: task.id, user: task.spec.user } satisfies TaskEvent);
    this.log.info({ task: id, user: task.spec.user }, 'task deleted');
  }

  /** Applies a framework's report about one task, if the state guard allows it. */
  applyReport(taskId: string, report: JobReport): void {
    // After close the store is gone; a restarted server reads the end from the framework.
    if (this.closed) return;
    const current = this.store.getTask(taskId);
    if (!current) return;
    const hooks = this.options.hooks;
    if (
      hooks?.beforeFinish &&
      isTerminal(report.state) &&
      canTransition(current.state, report.state)
    ) {
      if (this.finishing.has(taskId)) return;
      this.finishing.add(taskId);
      void hooks
        .beforeFinish(current, report)
        .catch((error: Error) => failedHook(report, `finishing the task failed: ${error.message}`))
        .then((final) => {
          this.finishing.delete(taskId);
          this.recordReport(taskId, final);
        });
      return;
    }
    this.recordReport(taskId, report);
  }

  /** Stores a report about one task, if the state guard allows it. */
  private recordReport(taskId: string, report: JobReport): void {
    if (this.closed) return;
    const current = this.store.getTask(taskId);
    if (!current) return;
    // A task being canceled that then dies of the kill is CANCELED, not a failure.
    const target =
      current.state === 'CANCELING' &&
      (report.state === 'EXECUTOR_ERROR' || report.state === 'SYSTEM_ERROR')
        ? 'CANCELED'
        : report.state;
    const patch: TaskPatch = {
      description: target === 'CANCELED' ? 'canceled' : report.description,
      started: report.started,
      ended: report.ended,
    };
    if (report.exitCode !== undefined) patch.exitCode = report.exitCode;
    if (report.executorExitCodes) {
      patch.results = current.results.map((result, i) => ({
        ...result,
        exitCode: report.executorExitCodes![i] ?? result.exitCode,
      }));
    }
    if (report.systemLog) patch.systemLogs = [...current.systemLogs, report.systemLog];
    if (current.state === target) {
      this.store.patchIf(taskId, current.state, patch);
      return;
    }
    this.moveTo(taskId, target, patch);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.pollTimer);
    const submits = this.dispatcher.close();
    await this.backend.close();
    // A submit that got its job id before close still records it while the store is open.
    await submits;
  }

  /** Moves a task to `to` through the one guard (transition-task.ts); the task as stored after. */
  private moveTo(id: string, to: TaskState, patch: TaskPatch = {}): TaskRecord | undefined {
    return transitionTask(this.store, id, to, patch, {
      changed: (change) => this.events.emit('change', change),
      lost: () => this.log.warn({ task: id, to }, 'state change lost to concurrent writers'),
    });
  }

  private async finishCancel(task: TaskRecord): Promise<void> {
    try {
      if (task.jobId !== null) await this.backend.cancel(task);
      this.moveTo(task.id, 'CANCELED', { description: 'canceled' });
    } catch (error) {
      this.log.error({ task: task.id, err: error }, 'cancel failed');
      this.events.emit('framework-error', { operation: 'cancel' } satisfies FrameworkError);
      this.moveTo(task.id, 'SYSTEM_ERROR', {
        description: `cancel failed: ${(error as Error).message}`,
      });
    }
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
      this.log.error({ err: error }, 'polling the framework failed');
      this.events.emit('framework-error', { operation: 'poll' } satisfies FrameworkError);
    } finally {
      this.polling = false;
      this.schedulePoll();
    }
  }
}

/** The SYSTEM_ERROR a failed hook turns a report into. */
function failedHook(report: JobReport, reason: string): JobReport {
  return { ...report, state: 'SYSTEM_ERROR', description: reason, systemLog: reason };
}
