/**
 * The task service: accept → store → submit → follow → cancel/delete, for both APIs. The store is
 * the truth; framework reports move tasks only through the state guard, compare-and-set.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Backend, JobReport } from '../backends/backend.js';
import { JobProxyError } from '../errors.js';
import { canTransition, isTerminal, type TaskState } from '../model/states.js';
import type { TaskRecord, TaskSpec } from '../model/task.js';
import type { Store, TaskPatch, TaskQuery, TaskSummary } from '../store/store.js';
import { checkSupported } from './check-supported.js';

export interface TaskServiceOptions {
  store: Store;
  backend: Backend;
  /** Directory under which each task gets its own directory for default outputs. */
  workdir: string;
  /** How often unfinished jobs are polled, ms. */
  pollInterval: number;
  /** How container images are run, resolved at start (docker, podman, apptainer, host). */
  containers: string;
  log: Logger;
}

/** Emitted on every state change (issue: events, dashboard). */
export interface TaskChange {
  id: string;
  user: string;
  from: TaskState;
  to: TaskState;
}

const CAS_RETRIES = 5;

export class TaskService {
  readonly events = new EventEmitter();
  private readonly store: Store;
  private readonly backend: Backend;
  private readonly options: TaskServiceOptions;
  private readonly log: Logger;
  private dispatchQueue: string[] = [];
  private dispatching = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;

  constructor(options: TaskServiceOptions) {
    this.options = options;
    this.store = options.store;
    this.backend = options.backend;
    this.log = options.log;
    this.events.setMaxListeners(0);
  }

  get framework(): string {
    return this.backend.info.name;
  }

  get backendInfo(): Backend['info'] {
    return this.backend.info;
  }

  get containers(): string {
    return this.options.containers;
  }

  /** Re-attaches to what ran while the server was down, then starts dispatching and polling. */
  async start(): Promise<void> {
    const unfinished = this.store.listTasks({
      states: ['QUEUED', 'INITIALIZING', 'RUNNING', 'CANCELING'],
    });
    const withJobs = unfinished.filter((t) => t.jobId !== null);
    await this.backend.recover(withJobs);
    for (const task of unfinished) {
      if (task.state === 'CANCELING') void this.finishCancel(task);
      else if (task.jobId === null) this.dispatchQueue.push(task.id);
    }
    this.log.info(
      { recovered: withJobs.length, toSubmit: this.dispatchQueue.length },
      'task service started',
    );
    void this.drainDispatchQueue();
    this.schedulePoll();
  }

  /** Accepts a task: checks it against the framework, stores it, then submits it. */
  accept(spec: TaskSpec): TaskRecord {
    checkSupported(spec, this.backend.info, this.options.containers);
    const id = randomUUID();
    const taskDir = join(this.options.workdir, 'tasks', id);
    const logPaths = spec.executors.map((executor, i) => ({
      stdout: executor.stdout ?? join(taskDir, i === 0 ? 'stdout' : `stdout.${i}`),
      stderr: executor.stderr ?? join(taskDir, i === 0 ? 'stderr' : `stderr.${i}`),
    }));
    const record = this.store.insertTask({
      id,
      spec,
      framework: this.backend.info.name,
      state: 'QUEUED',
      description: 'accepted',
      exitCode: null,
      jobId: null,
      created: new Date().toISOString(),
      started: null,
      ended: null,
      logPaths,
      results: spec.executors.map(() => ({ exitCode: null })),
      systemLogs: [],
    });
    this.dispatchQueue.push(id);
    void this.drainDispatchQueue();
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
    this.log.info({ task: id, user: task.spec.user }, 'task deleted');
  }

  /** Applies a framework's report about one task, if the state guard allows it. */
  applyReport(taskId: string, report: JobReport): void {
    // After close the store is gone; a restarted server reads the end from the framework.
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
    await this.backend.close();
  }

  /**
   * Moves a task to `to` through the guard, compare-and-set; retries when another writer moved it
   * first. Returns the task as stored after the attempt (undefined if it no longer exists).
   */
  private moveTo(id: string, to: TaskState, patch: TaskPatch = {}): TaskRecord | undefined {
    for (let attempt = 0; attempt < CAS_RETRIES; attempt++) {
      const current = this.store.getTask(id);
      if (!current) return undefined;
      if (!canTransition(current.state, to)) return current;
      const now = new Date().toISOString();
      const full: TaskPatch = { ...patch };
      if ((to === 'RUNNING' || isTerminal(to)) && !current.started && to !== 'CANCELED') {
        full.started = patch.started ?? now;
      }
      if (isTerminal(to)) full.ended = patch.ended ?? now;
      if (this.store.compareAndSet(id, current.state, to, full)) {
        this.events.emit('change', { id, user: current.spec.user, from: current.state, to });
        return this.store.getTask(id);
      }
    }
    this.log.warn({ task: id, to }, 'state change lost to concurrent writers');
    return this.store.getTask(id);
  }

  private async finishCancel(task: TaskRecord): Promise<void> {
    try {
      if (task.jobId !== null) await this.backend.cancel(task);
      this.moveTo(task.id, 'CANCELED', { description: 'canceled' });
    } catch (error) {
      this.log.error({ task: task.id, err: error }, 'cancel failed');
      this.moveTo(task.id, 'SYSTEM_ERROR', {
        description: `cancel failed: ${(error as Error).message}`,
      });
    }
  }

  /** Submits queued tasks to the framework one at a time, in submit order. */
  private async drainDispatchQueue(): Promise<void> {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.dispatchQueue.length > 0 && !this.closed) {
        const id = this.dispatchQueue.shift()!;
        const task = this.store.getTask(id);
        if (!task || task.state !== 'QUEUED' || task.jobId !== null) continue;
        await this.submitToBackend(task);
      }
    } finally {
      this.dispatching = false;
    }
  }

  private async submitToBackend(task: TaskRecord): Promise<void> {
    try {
      const jobId = await this.backend.submit(task);
      this.store.setJobId(task.id, jobId);
    } catch (error) {
      const reason = (error as Error).message;
      this.log.warn({ task: task.id, err: error }, 'framework refused the task');
      this.moveTo(task.id, 'SYSTEM_ERROR', {
        description: `the ${this.framework} framework could not start the task: ${reason}`,
        systemLogs: [...task.systemLogs, reason],
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
    } finally {
      this.polling = false;
      this.schedulePoll();
    }
  }
}
