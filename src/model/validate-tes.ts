/**
 * Turns a GA4GH TES 1.1 task body into a TaskSpec (origin 'tes'), reporting every problem at once
 * with its field path (`executors[1].command: must be a non-empty list of strings`), in the order
 * of the task's fields. The shape is the one TES task schema (./tes-task-schema.ts); what it
 * cannot say is ./tes-task-rules.ts and ./tes-resources.ts, run on the same body. Where
 * executors run on the host (containers: host), every path a task names is a host path inside the
 * operator's allowed roots; in containers those are container paths, kept under a host directory
 * of the task's own and bind-mounted (./tes-mounts.ts). What the TaskSpec has no field for is
 * kept in `extra.tes` (./tes-task.ts).
 */
import { posix } from 'node:path';
import { invalidTask } from '../errors.js';
import { inFieldOrder } from './problem-order.js';
import { capped, compileContract } from './schema-problems.js';
import type { ExecutorSpec, TaskSpec } from './task.js';
import { planTesMounts } from './tes-mounts.js';
import { backendParameterProblems, readTesResources } from './tes-resources.js';
import { tesRuleProblems, type TesRuleOptions } from './tes-task-rules.js';
import {
  TES_TASK,
  type TesExecutorBody,
  type TesInputBody,
  type TesOutputBody,
  type TesTaskBody,
} from './tes-task-schema.js';
import type { TesExtra, TesInput, TesOutput } from './tes-task.js';

/** What the validator needs to know of the server it validates for. */
export interface TesValidationOptions extends TesRuleOptions {
  /** The `backend_parameters` keys this server supports, lower case. */
  backendParameters: readonly string[];
}

/** The owner of a TES task when no authentication names the caller. */
export const TES_USER = 'anonymous';

const checkTesTask = compileContract(TES_TASK);

/** Validates a TES task; throws INVALID_TASK listing every problem. */
export function parseTesTask(
  body: unknown,
  options: TesValidationOptions,
  user = TES_USER,
): TaskSpec {
  const refused = checkTesTask(body);
  const resources = (body as { resources?: unknown } | null)?.resources;
  const problems = [
    ...refused,
    ...tesRuleProblems(body, options, refused),
    ...backendParameterProblems(resources, options.backendParameters, refused),
  ];
  if (problems.length > 0)
    throw invalidTask(capped(inFieldOrder(problems, TES_TASK, body), 'task'));
  return taskSpecOf(body as TesTaskBody, options, user);
}

function taskSpecOf(task: TesTaskBody, options: TesValidationOptions, user: string): TaskSpec {
  const executors = task.executors.map(executorOf);
  const read = readTesResources(task.resources, options.backendParameters);
  const extra: TesExtra = {
    inputs: (task.inputs ?? []).map(inputOf),
    outputs: (task.outputs ?? []).map(outputOf),
    volumes: task.volumes ?? [],
    warnings: read.warnings,
  };
  if (read.tesResources) extra.resources = read.tesResources;
  if (options.containerRoot !== undefined) {
    extra.hostRoot = options.containerRoot;
    placeInContainers(executors, extra, options.containerRoot);
  }
  const spec: TaskSpec = {
    user,
    origin: 'tes',
    executors,
    resources: read.resources,
    extra: { tes: extra },
  };
  if (task.name !== undefined) spec.name = task.name;
  if (task.description !== undefined) spec.description = task.description;
  if (task.tags !== undefined) spec.tags = task.tags;
  return spec;
}

function executorOf(executor: TesExecutorBody): ExecutorSpec {
  const spec: ExecutorSpec = { image: executor.image, command: executor.command };
  for (const key of ['workdir', 'stdin', 'stdout', 'stderr'] as const) {
    if (executor[key] !== undefined) spec[key] = executor[key];
  }
  if (executor.env !== undefined) spec.env = executor.env;
  if (executor.ignore_error !== undefined) spec.ignoreError = executor.ignore_error;
  return spec;
}

/** Set fields only, in the order TesInput lists them. */
function inputOf(input: TesInputBody): TesInput {
  const { path, name, description, url, type, content, streamable } = input;
  return withoutAbsent({ path, name, description, url, type, content, streamable });
}

function outputOf(output: TesOutputBody): TesOutput {
  const { url, path, name, description, path_prefix, type } = output;
  return withoutAbsent({ url, path, name, description, path_prefix, type });
}

function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Container mode: every executor gets the task's mounts, and its stdout/stderr files (paths in
 * the container) are written on the host where those paths live.
 */
function placeInContainers(executors: ExecutorSpec[], tes: TesExtra, hostRoot: string): void {
  const mounts = planTesMounts(tes.inputs, tes.outputs, tes.volumes, hostRoot);
  for (const executor of executors) {
    if (mounts.length > 0) executor.mounts = mounts;
    if (executor.stdout) executor.stdout = posix.join(hostRoot, executor.stdout);
    if (executor.stderr) executor.stderr = posix.join(hostRoot, executor.stderr);
  }
}
