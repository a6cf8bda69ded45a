/**
 * A task as GA4GH TES 1.1 shows it, in the three views of the spec: MINIMAL (id and state only),
 * BASIC (everything but executor stdout/stderr, input content and system_logs) and FULL. Only the
 * spec's fields appear — clients such as py-tes reject unknown ones — so what TES has no field for
 * (framework, job id, user, the state's description) goes into `logs[].metadata`. A task that came
 * through the v1 API shows as one executor; a command without an image shows the image "host".
 */
import { readTail } from '../../core/output-tail.js';
import { isTerminal, type TaskState } from '../../model/states.js';
import type { TaskRecord } from '../../model/task.js';
import {
  tesExtra,
  type TesInput,
  type TesOutput,
  type TesOutputFileLog,
  type TesResources,
} from '../../model/tes-task.js';

export const TES_VIEWS = ['MINIMAL', 'BASIC', 'FULL'] as const;
export type TesView = (typeof TES_VIEWS)[number];

/** The image shown for an executor that runs a command on the host (a v1 task without container). */
export const HOST_IMAGE = 'host';

export interface TesExecutor {
  image: string;
  command: string[];
  workdir?: string;
  stdin?: string;
  stdout?: string;
  stderr?: string;
  env?: Record<string, string>;
  ignore_error?: boolean;
}

export interface TesExecutorLog {
  start_time?: string;
  end_time?: string;
  stdout?: string;
  stderr?: string;
  exit_code: number;
}

export interface TesTaskLog {
  logs: TesExecutorLog[];
  metadata?: Record<string, string>;
  start_time?: string;
  end_time?: string;
  outputs: TesOutputFileLog[];
  system_logs?: string[];
}

export interface TesTask {
  id: string;
  state: TaskState;
  name?: string;
  description?: string;
  inputs?: TesInput[];
  outputs?: TesOutput[];
  resources?: TesResources;
  executors?: TesExecutor[];
  volumes?: string[];
  tags?: Record<string, string>;
  logs?: TesTaskLog[];
  creation_time?: string;
}

/** Where the view finds the files a task's outputs were collected to. */
export type ReadOutputLogs = (taskId: string) => TesOutputFileLog[];

/** The MINIMAL view. */
export function minimalTesTask(task: { id: string; state: TaskState }): TesTask {
  return { id: task.id, state: task.state };
}

/** The BASIC or FULL view of a task. */
export function tesTaskView(
  task: TaskRecord,
  view: 'BASIC' | 'FULL',
  readOutputLogs: ReadOutputLogs,
): TesTask {
  const { spec } = task;
  const tes = tesExtra(spec);
  const out: TesTask = { id: task.id, state: task.state };
  if (spec.name !== undefined) out.name = spec.name;
  if (spec.description !== undefined) out.description = spec.description;
  if (tes?.inputs.length) {
    out.inputs =
      view === 'FULL' ? tes.inputs : tes.inputs.map(({ content: _content, ...input }) => input);
  }
  if (tes?.outputs.length) out.outputs = tes.outputs;
  const resources = tes ? tes.resources : v1Resources(task);
  if (resources) out.resources = resources;
  out.executors = spec.executors.map((executor) => {
    const shown: TesExecutor = { image: executor.image ?? HOST_IMAGE, command: executor.command };
    if (executor.workdir !== undefined) shown.workdir = executor.workdir;
    if (executor.stdin !== undefined) shown.stdin = executor.stdin;
    // In containers, stdout/stderr are kept on the host under hostRoot: show the client's path.
    const strip = tes?.hostRoot?.length ?? 0;
    if (executor.stdout !== undefined) shown.stdout = executor.stdout.slice(strip);
    if (executor.stderr !== undefined) shown.stderr = executor.stderr.slice(strip);
    if (executor.env !== undefined) shown.env = executor.env;
    if (executor.ignoreError !== undefined) shown.ignore_error = executor.ignoreError;
    return shown;
  });
  if (tes?.volumes.length) out.volumes = tes.volumes;
  if (spec.tags !== undefined) out.tags = spec.tags;
  // One attempt per task so far: a TaskLog from INITIALIZING on (once it left the queue).
  if (task.state !== 'QUEUED' || task.started !== null) {
    out.logs = [taskLog(task, view, tes ? readOutputLogs(task.id) : [], tes?.warnings ?? [])];
  }
  out.creation_time = task.created;
  return out;
}

/** A v1 task's limits in TES terms (cpu_cores is whole in TES: fractions round up). */
function v1Resources(task: TaskRecord): TesResources | undefined {
  const { cores, memoryMiB } = task.spec.resources;
  if (cores === undefined && memoryMiB === undefined) return undefined;
  const resources: TesResources = {};
  if (cores !== undefined) resources.cpu_cores = Math.ceil(cores);
  if (memoryMiB !== undefined) resources.ram_gb = memoryMiB / 1024;
  return resources;
}

function taskLog(
  task: TaskRecord,
  view: 'BASIC' | 'FULL',
  outputs: TesOutputFileLog[],
  warnings: string[],
): TesTaskLog {
  const metadata: Record<string, string> = {
    framework: task.framework,
    user: task.spec.user,
    state_description: task.description,
  };
  if (task.jobId !== null) metadata.job_id = task.jobId;
  const log: TesTaskLog = { logs: executorLogs(task, view), metadata, outputs };
  if (task.started !== null) log.start_time = task.started;
  if (task.ended !== null) log.end_time = task.ended;
  const systemLogs = [...warnings, ...task.systemLogs];
  if (view === 'FULL' && systemLogs.length > 0) log.system_logs = systemLogs;
  return log;
}

/** exit_code is required by TES: shown while an executor runs, before its exit is known. */
export const RUNNING_EXIT_CODE = 0;
/** exit_code of an executor that started but whose task ended without its exit being known. */
export const UNKNOWN_EXIT_CODE = -1;

/**
 * Which executors have started. Executors run in order: each with an exit code started and ended,
 * and the first without one started when the one before it ended (the first with the task), unless
 * the one before stopped the task (a non-zero exit without ignore_error), the task never started,
 * or it ended otherwise than canceled.
 */
function startedExecutors(task: TaskRecord): number[] {
  const started = task.results.flatMap((result, i) => (result.exitCode === null ? [] : [i]));
  const open = task.results.findIndex((result) => result.exitCode === null);
  if (open < 0 || task.started === null) return started;
  const before = open > 0 ? task.results[open - 1]! : undefined;
  if (before && before.exitCode === null) return started;
  const stopped =
    before !== undefined && before.exitCode !== 0 && !task.spec.executors[open - 1]?.ignoreError;
  // A task that ended with this executor unfinished: only a cancel is known to have let it
  // start (a SYSTEM_ERROR may be an image that could not be pulled, a job that never ran).
  const cutShort = isTerminal(task.state) && task.state !== 'CANCELED';
  if (stopped || cutShort) return started;
  return [...started, open].sort((a, b) => a - b);
}

/** The executor's own exit code; for the last, the task's; else whether it still runs. */
function exitCodeOf(task: TaskRecord, i: number, terminal: boolean): number {
  const own = task.results[i]!.exitCode;
  if (own !== null) return own;
  if (!terminal) return RUNNING_EXIT_CODE;
  const isLast = i === task.results.length - 1;
  return isLast && task.exitCode !== null ? task.exitCode : UNKNOWN_EXIT_CODE;
}

/**
 * One ExecutorLog per executor from the moment it starts (a compliance-suite check reads it right
 * after create). The first starts with the task, the others when the one before ended; the last
 * that ended ends with the task. One still running shows exit_code 0 and no end_time.
 */
function executorLogs(task: TaskRecord, view: 'BASIC' | 'FULL'): TesExecutorLog[] {
  const indices = startedExecutors(task);
  const last = indices[indices.length - 1];
  const terminal = isTerminal(task.state);
  return indices.map((i) => {
    const result = task.results[i]!;
    const log: TesExecutorLog = { exit_code: exitCodeOf(task, i, terminal) };
    const previous = i > 0 ? task.results[i - 1]!.ended : undefined;
    const start = result.started ?? (i === 0 ? task.started : previous);
    const ended = result.exitCode !== null || terminal;
    const end = result.ended ?? (i === last && ended ? task.ended : null);
    if (start) log.start_time = start;
    if (end) log.end_time = end;
    const paths = task.logPaths[i];
    if (view === 'FULL' && paths) {
      log.stdout = readTail(paths.stdout, undefined, paths.owner);
      log.stderr = readTail(paths.stderr, undefined, paths.owner);
    }
    return log;
  });
}
