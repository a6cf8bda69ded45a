/**
 * Renders the supervisor script of one launch of a local task. The script, not the server, runs
 * the executors and records their exit codes in files, so a task outlives a server restart and a
 * restarted server can read how it ended. Markers in the task directory (N = launch number):
 *   claim.N/   made atomically first: a launch runs only if it made it (recovery claims it
 *              instead to be sure an interrupted launch never runs late, so nothing runs twice)
 *   pid.N      the supervisor's pid
 *   exit.I     exit code of executor I
 *   exit       the task's exit code, written last (atomically, by rename)
 */
import type { ExecutorSpec } from '../../model/task.js';

export interface LaunchPlan {
  taskDir: string;
  launch: number;
  executors: ExecutorSpec[];
  logPaths: { stdout: string; stderr: string }[];
  /** CPU ids to pin to (CPU affinity), if the task asked for cores. */
  cpus?: number[];
  cputimeSec?: number;
  /** RLIMIT_AS in MiB, only where no memory cgroup enforces the limit. */
  addressSpaceMiB?: number;
  /** cgroup directories the supervisor joins before anything runs. */
  cgroupDirs: string[];
}

/** Single-quotes a word for /bin/sh: nothing inside is expanded. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function renderExecutor(plan: LaunchPlan, index: number): string {
  const executor = plan.executors[index]!;
  const logs = plan.logPaths[index]!;
  const q = shellQuote;
  const lines: string[] = [];
  if (plan.cputimeSec !== undefined) {
    // soft < hard: SIGXCPU at the limit (exit 152, which we can name); SIGKILL a second later.
    const soft = Math.max(1, Math.ceil(plan.cputimeSec));
    lines.push(`ulimit -H -t ${soft + 1}`, `ulimit -S -t ${soft}`);
  }
  if (plan.addressSpaceMiB !== undefined) {
    lines.push(`ulimit -v ${Math.floor(plan.addressSpaceMiB * 1024)}`);
  }
  for (const [key, value] of Object.entries(executor.env ?? {})) {
    lines.push(`export ${key}=${q(value)}`);
  }
  if (executor.workdir) lines.push(`mkdir -p ${q(executor.workdir)} && cd ${q(executor.workdir)} || exit 127`);
  const pin = plan.cpus?.length ? `taskset -c ${plan.cpus.join(',')} ` : '';
  const stdin = executor.stdin ? q(executor.stdin) : '/dev/null';
  lines.push(
    `exec ${pin}${executor.command.map(q).join(' ')} <${stdin} >>${q(logs.stdout)} 2>>${q(logs.stderr)}`,
  );
  const stop = executor.ignoreError ? '' : `\n[ "$rc" -eq 0 ] || finish "$rc"`;
  return `(\n  ${lines.join('\n  ')}\n)\nrc=$?\necho "$rc" > "$d/exit.${index}"${stop}`;
}

/** The script text; run it as `/bin/sh <file>` in a new session. */
export function renderLaunchScript(plan: LaunchPlan): string {
  const q = shellQuote;
  const n = plan.launch;
  const joinCgroups = plan.cgroupDirs
    .map((dir) => `echo $$ > ${q(`${dir}/cgroup.procs`)} || exit 125`)
    .join('\n');
  const executors = plan.executors.map((_, i) => renderExecutor(plan, i)).join('\n');
  return `# JobProxy supervisor, launch ${n}. Generated; do not edit.
d=${q(plan.taskDir)}
mkdir "$d/claim.${n}" 2>/dev/null || exit 0
echo $$ > "$d/pid.${n}"
${joinCgroups}
finish() {
  echo "$1" > "$d/exit.tmp" && mv "$d/exit.tmp" "$d/exit"
  exit "$1"
}
${executors}
finish "$rc"
`;
}
