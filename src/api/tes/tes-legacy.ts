/**
 * Compatibility aliases of the TES API for clients that predate its /ga4gh/tes/v1 base: py-tes
 * 0.4.x (pinned by snakemake-executor-plugin-tes and toil's TES batch system) calls `{url}/v1/tasks`
 * and `{url}/v1/tasks/service-info`. py-tes 0.4.x builds attrs classes from every field of an
 * answer and fails on a field or a state it does not know, so these routes answer in its models'
 * terms (tes/models.py of py-tes 0.4.x): service-info as `{name, doc, storage}`, and tasks without
 * the fields TES 1.1 added. They are not part of the TES document (docs/tes.md lists them).
 */
import type { TaskState } from '../../model/states.js';
import type { TesResources } from '../../model/tes-task.js';
import type { TesServiceInfo } from './tes-service-info.js';
import type { TesTask } from './tes-task-view.js';

/** Where py-tes 0.4.x looks: `{url}/v1/tasks…`. */
export const LEGACY_TES_BASE = '/v1';

/** py-tes 0.4.x's ServiceInfo: these three fields, nothing else. */
export interface LegacyServiceInfo {
  name: string;
  doc: string;
  storage: string[];
}

export function legacyServiceInfo(info: TesServiceInfo): LegacyServiceInfo {
  return { name: info.name, doc: info.description, storage: [...info.storage] };
}

/**
 * The states py-tes 0.4.x accepts lack CANCELING (and PREEMPTED, which JobProxy never uses): a
 * task being canceled shows as CANCELED there, the end it is moving to.
 */
function legacyState(state: TaskState): TaskState {
  return state === 'CANCELING' ? 'CANCELED' : state;
}

function withoutBackendParameters({
  backend_parameters: _parameters,
  backend_parameters_strict: _strict,
  ...resources
}: TesResources): TesResources {
  return resources;
}

/** A task view without the fields py-tes 0.4.x's models do not have. */
export function legacyTaskView(task: TesTask): TesTask {
  const out: TesTask = { ...task, state: legacyState(task.state) };
  if (task.inputs) out.inputs = task.inputs.map(({ streamable: _streamable, ...input }) => input);
  if (task.outputs) {
    out.outputs = task.outputs.map(({ path_prefix: _prefix, ...output }) => output);
  }
  if (task.resources) out.resources = withoutBackendParameters(task.resources);
  if (task.executors) {
    out.executors = task.executors.map(({ ignore_error: _ignore, ...executor }) => executor);
  }
  return out;
}
