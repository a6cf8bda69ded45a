/**
 * Renders the /bin/sh job script of a batch task: the scheduler's directives, then the executors in
 * order (stopping at the first failure unless it may be ignored). The script, not the server,
 * records how each executor ended, in marker files of the task directory (as the local supervisor
 * does, see ../local/launch-script.ts), so the outcome survives a server restart and does not depend
 * on how well a scheduler reports exit codes:
 *   claim/      made first: only the job that made it runs the task (a retried submit that reached
 *               the scheduler twice runs it once)
 *   claim/job   the id of the job that runs the task (an array element's own id)
 *   claim/raw   the id the scheduler's accounting knows that job by
 *   exit.I      exit code of executor I
 *   exit        the task's exit code, written last (atomically, by rename)
 * Every word that comes from a task is single-quoted: nothing in it is expanded by the shell.
 */
import { dirname } from 'node:path';
import type { ExecutorSpec } from '../../model/task.js';
import { shellQuote } from '../local/launch-script.js';
import { containerArgv, isApptainer } from './container-command.js';

export interface JobScriptPlan {
  taskId: string;
  taskDir: string;
  /** `#SBATCH`, `#$`. */
  directivePrefix: string;
  /** Directive arguments, one per line. */
  directives: string[];
  /** Shell lines setting jp_job and jp_raw inside the job (see BatchScheduler.jobIdScript). */
  jobIdScript: string;
  executors: ExecutorSpec[];
  logPaths: { stdout: string; stderr: string }[];
  cores?: number;
  memoryMiB?: number;
  cputimeSec?: number;
  /** Pin the executors to `cores` of the CPUs the scheduler left the job, if it left more. */
  bindCores: boolean;
  /** How images run: a container CLI (docker, podman, apptainer) or `host` (image ignored). */
  containerCli: string;
}

/** Marker file names inside the task directory. */
export const MARKERS = {
  claim: 'claim',
  claimJob: 'claim/job',
  claimRaw: 'claim/raw',
  exit: 'exit',
  executorExit: (index: number): string => `exit.${index}`,
  /** Left when `docker run` (or podman's) exited 125–127: the CLI could not start the container. */
  cliFailed: (index: number): string => `cli-failed.${index}`,
} as const;

// Prints `n` of the CPUs this process may use (a taskset list), starting at an offset derived from
// the process id so that jobs sharing a node's CPUs spread over them; nothing when it may use <= n.
const CPU_PICKER = `pick_cpus() {
  awk -v n="$1" -v seed="$2" '/^Cpus_allowed_list:/ {
    k = 0; np = split($2, parts, ",")
    for (p = 1; p <= np; p++) { nr = split(parts[p], r, "-"); hi = (nr < 2) ? r[1] : r[2]
      for (c = r[1] + 0; c <= hi + 0; c++) cpus[k++] = c }
    if (k <= n) exit
    start = (seed + 0) % k; out = ""
    for (i = 0; i < n; i++) out = out (i ? "," : "") cpus[(start + i) % k]
    print out }' /proc/self/status
}`;

/**
 * A directive's value as Slurm and Grid Engine read it: double-quoted when it holds a space (both
 * split directive lines on white space, and both take double quotes); a double quote or a line
 * break cannot be written at all.
 */
export function directiveValue(value: string): string {
  if (/["\r\n]/.test(value))
    throw new Error(`a job script directive cannot hold ${JSON.stringify(value)}`);
  return /\s/.test(value) ? `"${value}"` : value;
}

/** The script text. Directive values must not hold line breaks (checked). */
export function renderJobScript(plan: JobScriptPlan): string {
  const q = shellQuote;
  for (const directive of plan.directives) {
    if (/[\r\n]/.test(directive))
      throw new Error(`a scheduler option holds a line break: ${JSON.stringify(directive)}`);
  }
  const directives = plan.directives.map((d) => `${plan.directivePrefix} ${d}`).join('\n');
  const binding =
    plan.bindCores && plan.cores !== undefined
      ? `${CPU_PICKER}\ncpus=$(pick_cpus ${Math.ceil(plan.cores)} "$$")\n`
      : 'cpus=\n';
  const executors = plan.executors.map((_, i) => renderExecutor(plan, i)).join('\n');
  return `#!/bin/sh
${directives}
# JobProxy batch job of task ${plan.taskId}. Generated; do not edit.
d=${q(plan.taskDir)}
cd "$d" || exit 1
if ! mkdir "$d/${MARKERS.claim}" 2>/dev/null; then
  echo "task ${plan.taskId} was run by job $(cat "$d/${MARKERS.claimJob}" 2>/dev/null) already; this copy does nothing" >&2
  exit 0
fi
${plan.jobIdScript}
echo "$jp_raw" > "$d/${MARKERS.claimRaw}"
echo "$jp_job" > "$d/${MARKERS.claimJob}"
finish() {
  echo "$1" > "$d/exit.tmp" && mv "$d/exit.tmp" "$d/${MARKERS.exit}"
  exit "$1"
}
${binding}${executors}
finish "$rc"
`;
}

function renderExecutor(plan: JobScriptPlan, index: number): string {
  const executor = plan.executors[index]!;
  const logs = plan.logPaths[index]!;
  const q = shellQuote;
  const lines: string[] = [];
  const inContainer = executor.image !== undefined && plan.containerCli !== 'host';
  if (plan.cputimeSec !== undefined && !inContainer) {
    // soft < hard: SIGXCPU at the limit (exit 152, which names the limit); SIGKILL a second later.
    const soft = Math.max(1, Math.ceil(plan.cputimeSec));
    // Soft first: a hard limit below the current (unlimited) soft one is refused. A limit that
    // cannot be set stops the executor rather than letting it run unlimited.
    lines.push(`ulimit -S -t ${soft} || exit 125`, `ulimit -H -t ${soft + 1} || exit 125`);
  }
  const directories = [...new Set([dirname(logs.stdout), dirname(logs.stderr)])];
  lines.push(
    `mkdir -p ${directories.map(q).join(' ')}`,
    `: >${q(logs.stdout)}`,
    `: >${q(logs.stderr)}`,
  );
  const stdin = executor.stdin ? q(executor.stdin) : '/dev/null';
  const redirects = `<${stdin} >>${q(logs.stdout)} 2>>${q(logs.stderr)}`;
  if (inContainer) {
    const name = `jobproxy-${plan.taskId}-${index}`;
    const argv = containerArgv(executor, {
      cli: plan.containerCli,
      name,
      cores: plan.cores,
      memoryMiB: plan.memoryMiB,
      cputimeSec: plan.cputimeSec,
    });
    // In the background so that a cancel's SIGTERM runs the trap at once and removes the
    // container, which is the engine's child and would outlive the job.
    lines.push(
      `${argv.map(q).join(' ')} ${redirects} &`,
      `trap '${plan.containerCli.replace(/'/g, '')} rm -f ${name} >/dev/null 2>&1; exit 143' TERM INT HUP`,
      'wait "$!"',
    );
  } else {
    for (const [key, value] of Object.entries(executor.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
        throw new Error(`not an environment variable name: ${JSON.stringify(key)}`);
      lines.push(`export ${key}=${q(value)}`);
    }
    if (executor.workdir)
      lines.push(`mkdir -p ${q(executor.workdir)} && cd ${q(executor.workdir)} || exit 127`);
    lines.push('if [ -n "$cpus" ]; then set -- taskset -c "$cpus"; else set --; fi');
    lines.push(`exec "$@" ${executor.command.map(q).join(' ')} ${redirects}`);
  }
  const stop = executor.ignoreError ? '' : `\n[ "$rc" -eq 0 ] || finish "$rc"`;
  // docker run's own failures (daemon, image, entrypoint): 125, 126, 127 (docker-run(1)).
  const cliFailed =
    inContainer && !isApptainer(plan.containerCli)
      ? `\ncase "$rc" in 125|126|127) : > "$d/${MARKERS.cliFailed(index)}";; esac`
      : '';
  return `(\n  ${lines.join('\n  ')}\n)\nrc=$?${cliFailed}\necho "$rc" > "$d/${MARKERS.executorExit(index)}"${stop}`;
}

export interface ArrayScriptPlan {
  arrayDir: string;
  directivePrefix: string;
  directives: string[];
  /** The variable holding the element's index (1..count) inside the job. */
  indexVariable: string;
  /** The task directory of each element, in index order (element 1 first). */
  taskDirs: string[];
}

/** The file of an array's directory listing its elements' task directories, one a line. */
export const ARRAY_TASKS = 'tasks';

/**
 * The script of an array job: element N runs the job script of the task on line N of the array's
 * task list, so each task keeps its own script, markers and outputs.
 */
export function renderArrayScript(plan: ArrayScriptPlan): string {
  for (const dir of plan.taskDirs) {
    if (/[\r\n]/.test(dir))
      throw new Error(`a task directory holds a line break: ${JSON.stringify(dir)}`);
  }
  const directives = plan.directives.map((d) => `${plan.directivePrefix} ${d}`).join('\n');
  const index = `\${${plan.indexVariable}:-}`;
  return `#!/bin/sh
${directives}
# JobProxy array job. Generated; do not edit. Element N runs the task in line N of ${ARRAY_TASKS}.
t=$(sed -n "${index}p" ${shellQuote(`${plan.arrayDir}/${ARRAY_TASKS}`)})
if [ -z "$t" ]; then
  echo "array element ${index} has no task" >&2
  exit 1
fi
exec /bin/sh "$t/job.sh"
`;
}
