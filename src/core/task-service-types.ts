/** What the task service is given, and what it tells its listeners (metrics, events, dashboard). */
import type { Logger } from 'pino';
import type { Backend, JobReport } from '../backends/backend.js';
import type { TaskState } from '../model/states.js';
import type { TaskOrigin, TaskRecord } from '../model/task.js';
import type { Store } from '../store/store.js';
import type { SubmitLimits } from './submit-limits.js';

export interface TaskServiceOptions {
  store: Store;
  backend: Backend;
  /** Directory under which each task gets its own directory for default outputs. */
  workdir: string;
  /** How often unfinished jobs are polled, ms. */
  pollInterval: number;
  /**
   * How container images are run (docker, podman, apptainer, host); `auto` = what the framework
   * resolved (its info.containers, read after its init()).
   */
  containers: string;
  log: Logger;
  /** Steps around each task's run (TES file staging: src/core/tes-staging.ts). */
  hooks?: TaskHooks;
  /** Per-user caps on submits (429 when over). */
  limits?: SubmitLimits;
  /** Host directories a v1 task's output paths must lie in ({user} = the owner). */
  allowedRoots: readonly string[];
  /** The uid a task's output files belong to, where tasks run as other users. */
  outputOwner?: (owner: string) => number | undefined;
  /** First wait before a write the store refused is tried again, ms (default 1000, doubling). */
  storeRetryMs?: number;
  /** Finished tasks older than this many seconds are removed (0 or absent = kept forever). */
  retentionSec?: number;
}

/** Optional steps the service runs around a task; each sees every task and skips what is not its. */
export interface TaskHooks {
  /** Before the task goes to the framework (e.g. stage inputs); a throw fails it (SYSTEM_ERROR). */
  beforeSubmit?(task: TaskRecord): Promise<void>;
  /** Whether beforeSubmit has work for this task (false: it is skipped); absent, it always runs. */
  prepares?(task: TaskRecord): boolean;
  /**
   * When the framework reports a terminal outcome, before it is stored (e.g. collect outputs); the
   * answer is stored instead. Runs once per outcome; a throw stores SYSTEM_ERROR.
   */
  beforeFinish?(task: TaskRecord, report: JobReport): Promise<JobReport>;
  /**
   * Whether beforeFinish has work for this outcome (false: the report is stored as it came, in
   * the turn's one transaction); absent, it always runs.
   */
  finishes?(task: TaskRecord, report: JobReport): boolean;
}

/** Emitted on every state change (issue: events, dashboard). */
export interface TaskChange {
  id: string;
  user: string;
  from: TaskState;
  to: TaskState;
  /** The task's times after the change (metrics read them here rather than from the store). */
  times?: { created: string; started: string | null; ended: string | null };
}

/** Emitted when a task is accepted ('accepted') or removed ('deleted'). */
export interface TaskEvent {
  id: string;
  user: string;
  /** The API a task came through ('accepted' only: metrics count by it without a store read). */
  origin?: TaskOrigin;
}

/** Emitted when a call to the framework failed ('framework-error'; metrics count them). */
export interface FrameworkError {
  operation: 'submit' | 'cancel' | 'poll';
}
