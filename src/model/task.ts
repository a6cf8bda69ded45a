/**
 * The task model shared by both APIs, the store and every framework.
 *
 * Vocabulary (use these words, and only these, everywhere):
 * - task: one unit of work a client submitted — one or more executors run in order, with
 *   resource limits. A v1 Task is a task with one executor; a TES task may have several.
 * - executor: one command (argv), optionally inside a container image.
 * - framework: what runs tasks (local, slurm, gridengine, kubernetes); chosen by the operator.
 * - job id: the framework's own id for a task (a pid, a Slurm job id, …).
 * - state: where a task is in the state machine of ./states.ts.
 * - store: where tasks are kept; the store is the truth, the framework is asked.
 */
import type { TaskState } from './states.js';

/** A host:container port pair to publish (container tasks only). */
export interface PortMapping {
  host: number;
  container: number;
}

/** A host path mounted into a container. */
export interface MountSpec {
  host: string;
  container: string;
  mode: 'ro' | 'rw';
}

/** One command of a task. `command` is argv; a shell string arrives as ['/bin/sh', '-c', s]. */
export interface ExecutorSpec {
  /** argv; empty only when `image` is set and the image's own command should run. */
  command: string[];
  image?: string;
  workdir?: string;
  env?: Record<string, string>;
  stdin?: string;
  /** Where the client asked the executor's stdout to go (absolute path), if anywhere. */
  stdout?: string;
  stderr?: string;
  ignoreError?: boolean;
  ports?: PortMapping[];
  mounts?: MountSpec[];
}

/** Resource limits of a task; absent = no limit asked. */
export interface ResourceSpec {
  /** CPU cores (> 0, fractions allowed). */
  cores?: number;
  /** Memory in MiB. */
  memoryMiB?: number;
  /** CPU time in seconds. */
  cputimeSec?: number;
}

/** Which API a task came through; decides nothing about how it runs. */
export type TaskOrigin = 'v1' | 'tes';

/** What a client asked for, normalised from either API. */
export interface TaskSpec {
  user: string;
  origin: TaskOrigin;
  executors: ExecutorSpec[];
  resources: ResourceSpec;
  name?: string;
  description?: string;
  tags?: Record<string, string>;
  /** TES-only parts (inputs, outputs, volumes, …) kept as the TES layer normalised them. */
  extra?: Record<string, unknown>;
}

/** Per-executor outcome, filled as executors end. */
export interface ExecutorResult {
  exitCode: number | null;
  started?: string;
  ended?: string;
}

/** A task as the store keeps it. Times are RFC 3339 strings. */
export interface TaskRecord {
  id: string;
  /** Monotonic insertion order: the submit order and the stable listing order. */
  seq: number;
  spec: TaskSpec;
  framework: string;
  state: TaskState;
  description: string;
  exitCode: number | null;
  jobId: string | null;
  created: string;
  started: string | null;
  ended: string | null;
  /**
   * Files the executors' stdout/stderr are written to, one pair per executor, with the uid that
   * owns them where tasks run as another user (their tails are read only from files it owns).
   */
  logPaths: { stdout: string; stderr: string; owner?: number }[];
  results: ExecutorResult[];
  /** Reasons recorded for system errors and recoveries (TES system_logs). */
  systemLogs: string[];
}
