/**
 * The answer models of py-tes 0.4.x (tes/models.py at its 0.4 tags), as data: the fields of each
 * attrs class and the states it accepts. py-tes 0.4.x builds these classes from every key of an
 * answer (tes/utils.py unmarshal: `o(**fields)`), so an unknown key or state is an error there.
 * `logs` and `outputs` are tried as the first class, then the second, as unmarshal does.
 */

const FIELDS: Record<string, string[]> = {
  Task: [
    'id',
    'state',
    'name',
    'description',
    'inputs',
    'outputs',
    'resources',
    'executors',
    'volumes',
    'tags',
    'logs',
    'creation_time',
  ],
  Input: ['url', 'path', 'type', 'name', 'description', 'content'],
  Output: ['url', 'path', 'type', 'name', 'description'],
  Resources: ['cpu_cores', 'ram_gb', 'disk_gb', 'preemptible', 'zones'],
  Executor: ['image', 'command', 'workdir', 'stdin', 'stdout', 'stderr', 'env'],
  ExecutorLog: ['start_time', 'end_time', 'stdout', 'stderr', 'exit_code'],
  OutputFileLog: ['url', 'path', 'size_bytes'],
  TaskLog: ['start_time', 'end_time', 'metadata', 'logs', 'outputs', 'system_logs'],
  ListTasksResponse: ['tasks', 'next_page_token'],
  CreateTaskResponse: ['id'],
  ServiceInfo: ['name', 'doc', 'storage'],
};

const STATES = [
  'UNKNOWN',
  'QUEUED',
  'INITIALIZING',
  'RUNNING',
  'COMPLETE',
  'CANCELED',
  'EXECUTOR_ERROR',
  'SYSTEM_ERROR',
];

/** unmarshal's omap: which class(es) a key's value becomes. */
const NESTED: Record<string, string[]> = {
  tasks: ['Task'],
  inputs: ['Input'],
  outputs: ['Output', 'OutputFileLog'],
  logs: ['ExecutorLog', 'TaskLog'],
  resources: ['Resources'],
  executors: ['Executor'],
};

type Json = Record<string, unknown>;

/** Problems py-tes 0.4.x would raise reading `value` as `model`; [] when it reads it. */
export function pyTes04Problems(value: unknown, model: string, at = model): string[] {
  if (Array.isArray(value))
    return value.flatMap((item, i) => pyTes04Problems(item, model, `${at}[${i}]`));
  if (typeof value !== 'object' || value === null) return [`${at}: not an object`];
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value as Json)) {
    if (!FIELDS[model]!.includes(key)) problems.push(`${at}.${key}: ${model} has no such field`);
    const classes = NESTED[key];
    if (!classes || item === null || item === undefined) continue;
    const tries = classes.map((c) => pyTes04Problems(item, c, `${at}.${key}`));
    if (tries.every((t) => t.length > 0)) problems.push(...tries.at(-1)!);
  }
  if (model === 'Task' && 'state' in (value as Json)) {
    const state = String((value as Json).state);
    if (!STATES.includes(state)) problems.push(`${at}.state: py-tes 0.4 has no state ${state}`);
  }
  return problems;
}
