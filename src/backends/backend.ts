/**
 * The one small interface every framework implements. A framework submits a task and returns its
 * job id, cancels (twice is not an error), reports the states of many jobs at once, and releases
 * what it owns on close. It describes itself so that unsupported fields are refused at submit.
 */
import type { IdentityPool } from './identity-pool.js';
import type { Logger } from 'pino';
import type { FieldProblem } from '../errors.js';
import type { TaskState } from '../model/states.js';
import type { TaskRecord, TaskSpec } from '../model/task.js';

/** The task fields a framework may or may not honour. */
export interface FrameworkSupport {
  containers: boolean;
  ports: boolean;
  mounts: boolean;
  cores: boolean;
  memory: boolean;
  cputime: boolean;
  /** More than one executor in one task (TES). */
  multipleExecutors: boolean;
}

/** One framework option: its config key (under the framework's name), default and meaning. */
export interface FrameworkOption {
  key: string;
  /** Older names still accepted for the key (documented as aliases in docs/config.md). */
  aliases?: string[];
  default: string | number | boolean | undefined;
  help: string;
}

/** What a running framework tells the service about itself. */
export interface FrameworkInfo {
  name: string;
  supports: FrameworkSupport;
  /** Capacity checks at submit time: a task asking more than this can never run here. */
  capacity?: { cores: number; memoryMiB: number };
  /** States of tasks whose jobs `poll` should be asked about (QUEUED too for batch queues). */
  pollStates: TaskState[];
  /** How container images are run ('docker', 'podman', 'apptainer', or 'host': image ignored). */
  containers: string;
  /** How many `submit` calls the service may have in flight at once (default 1: one at a time). */
  submitsInFlight?: number;
}

/** What a framework has in use now, against FrameworkInfo.capacity (dashboard, metrics). */
export interface FrameworkCapacity {
  /** Cores held by running tasks, and the total the framework may use. */
  cores?: { used: number; total: number };
  /** Memory (MiB) held by running tasks, and the total. */
  memoryMiB?: { used: number; total: number };
  /** Jobs running now. */
  running?: number;
  /** Jobs waiting in the framework's queue (a batch queue, the local FIFO). */
  queued?: number;
}

/** What a framework knows of one job: a state the service moves the task to, if allowed. */
export interface JobReport {
  state: TaskState;
  description?: string;
  exitCode?: number | null;
  /** Per-executor exit codes, in order, as far as known. */
  executorExitCodes?: (number | null)[];
  started?: string;
  ended?: string;
  /** A reason for the system log (why SYSTEM_ERROR, what recovery did). */
  systemLog?: string;
}

/** How a framework tells the service about its jobs as things happen. */
export type ReportJob = (taskId: string, report: JobReport) => void;

/** What the service hands a framework when it creates it. */
export interface BackendContext {
  /** This framework's options, merged from defaults, file, env and flags. */
  options: Record<string, unknown>;
  /** Directory for the tasks' own files (default outputs), each task's owned by its owner. */
  workdir: string;
  /** The server's private directory (0700): scripts and markers of tasks live below it. */
  stateDir: string;
  /** Where runAs=pool takes each owner's uid from (src/backends/identity-pool.ts). */
  identityPool?: IdentityPool;
  report: ReportJob;
  log: Logger;
  /** The operator's `containers` key (auto, docker, podman, apptainer, host); absent = auto. */
  containers?: string;
  /** Host directories tasks may name (mounts); absent = the workdir alone. */
  allowedRoots?: readonly string[];
  /**
   * Reads the record of the task with this seq back from the store (undefined: deleted; throws:
   * the store failed), so a framework that holds many tasks waiting can keep seq numbers alone.
   */
  loadTask?: (seq: number) => TaskRecord | undefined;
}

export interface Backend {
  /** What the framework is and honours; may change once, in init(). */
  readonly info: FrameworkInfo;
  /** Optional async setup before recover (e.g. asking a container engine whether it answers). */
  init?(): Promise<void>;
  /** Framework-specific problems with a task, refused with 400 at submit (e.g. mount roots). */
  checkTask?(spec: TaskSpec): FieldProblem[];
  /** Hands the task to the framework; resolves to its job id. Throws when the framework refused. */
  submit(task: TaskRecord): Promise<string>;
  /** Stops the job and everything it started; a job already gone is not an error. */
  cancel(task: TaskRecord): Promise<void>;
  /** States of many jobs at once (tasks carry their job ids); absent = nothing new known. */
  poll(tasks: TaskRecord[]): Promise<Map<string, JobReport>>;
  /**
   * Called once at start with every unfinished task that has a job id: re-attach to jobs still
   * running, report the ends of those that finished while the server was down.
   */
  recover(tasks: TaskRecord[]): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional: removes the task's own files (its directory under the workdir), called after a v1
   * delete and by retention once the row is gone. Absent = nothing is removed.
   */
  removeTaskFiles?(taskId: string): Promise<void>;
  /** Optional: what is in use now (cores/memory for local, queue depth for batch). */
  capacity?(): FrameworkCapacity;
}

/** Every framework module exports a constructor of this shape. */
export type CreateBackend = (context: BackendContext) => Backend;

/**
 * What the switch in create-backend.ts knows of a framework before creating it: its name, help and
 * options are plain data; its implementation (and the libraries behind it: dockerode, ssh2, the
 * Kubernetes client) is imported only by `load`, which only `serve` calls.
 */
export interface FrameworkDefinition {
  name: string;
  help: string;
  options: FrameworkOption[];
  /** Problems of this framework's options against the top-level keys (at start, with the rest). */
  checkOptions?(options: Record<string, unknown>, top: { containers: string }): string[];
  load(): Promise<CreateBackend>;
}

/**
 * Thrown by `Backend.submit` when the framework could not be reached and the same submit may be
 * tried again (a scheduler that is down): the service keeps the task QUEUED and calls `submit`
 * again after `retryAfterMs`. The framework decides when to give up (it then throws a plain error,
 * and the task ends SYSTEM_ERROR with the reason).
 */
export class RetryableSubmitError extends Error {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.name = 'RetryableSubmitError';
    this.retryAfterMs = retryAfterMs;
  }
}
