/**
 * Renders the supervisor script of one launch of a local task. The script, not the server, runs
 * the executors and records their exit codes in files, so a task outlives a server restart and a
 * restarted server can read how it ended. Markers in the task's directory in the server's private
 * state (N = launch number), where no task can write:
 *   claim.N    created exclusively first (noclobber: O_EXCL), holding the supervisor's pid: a
 *              launch runs only if it made it. Recovery creates it instead (holding "recovery")
 *              to be sure an interrupted launch never runs late, so nothing runs twice.
 *   exit.I     exit code of executor I (only for tasks with more than one)
 *   exit       the task's exit code, written last; a torn write reads as no code at all
 * Shell builtins only on the way (no mkdir, no mv): each fork costs as much as the task itself
 * for short commands.
 */
import { basename, dirname } from 'node:path';
import type { ExecutorSpec } from '../../model/task.js';
import type { UnixIdentity } from '../run-as.js';

export interface LaunchPlan {
  /** The task's own directory (owned by its identity): the supervisor's working directory. */
  taskDir: string;
  /** The server's private directory for this task's markers (claims, exit codes). */
  markersDir: string;
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
  /** Given to a task that runs as another user (others inherit it from the server). */
  taskId?: string;
  /** The Unix user executors run as (the supervisor stays root); absent = as the server. */
  runAs?: UnixIdentity;
  /** Where the supervisor's own stderr goes (a file in the task's directory), if anywhere. */
  supervisorStderr?: string;
}

/** Single-quotes a word for /bin/sh: nothing inside is expanded. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** PATH of a task that runs as another user with a clean environment. */
const CLEAN_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The command that runs executor `index` as the task's user: setpriv drops to its uid, gid and
 * groups (none for a pool uid); env -i gives it a clean environment; a shell of its own opens
 * every output file, so the kernel checks each against the user's rights, not root's. Files in
 * the task's own directory are opened relative to the working directory the supervisor entered
 * as root, so the user need not be able to reach the work directory by its path.
 */
function asUser(plan: LaunchPlan, index: number, opened: Set<string>): string {
  const executor = plan.executors[index]!;
  const { uid, gid, name, home, pooled } = plan.runAs!;
  const q = shellQuote;
  // Outputs first, while the working directory is still the task's own.
  const inner = [`exec ${redirections(plan, index, opened)}`];
  if (executor.workdir)
    inner.push(`mkdir -p ${q(executor.workdir)} && cd ${q(executor.workdir)} || exit 127`);
  inner.push(`exec ${executor.command.map(q).join(' ')}`);
  const env = {
    HOME: home || plan.taskDir,
    USER: name,
    LOGNAME: name,
    PATH: CLEAN_PATH,
    SHELL: '/bin/sh',
    ...(plan.taskId ? { JOBPROXY_TASK_ID: plan.taskId } : {}),
    ...executor.env,
  };
  const assignments = Object.entries(env).map(([key, value]) => q(`${key}=${value}`));
  const groups = pooled ? '--clear-groups' : '--init-groups';
  return [
    `setpriv --reuid=${uid} --regid=${gid} ${groups} --`,
    `env -i ${assignments.join(' ')}`,
    `/bin/sh -c ${q(inner.join('\n'))}`,
  ].join(' ');
}

/** A path in the task's own directory relative to it (the supervisor's working directory). */
function pathForShell(plan: LaunchPlan, path: string): string {
  return dirname(path) === plan.taskDir ? `./${basename(path)}` : path;
}

/** stdin, stdout, stderr of one executor: a file's first writer truncates it, later ones append. */
function redirections(plan: LaunchPlan, index: number, opened: Set<string>): string {
  const executor = plan.executors[index]!;
  const logs = plan.logPaths[index]!;
  const write = (fd: string, path: string): string => {
    const operator = opened.has(path) ? '>>' : '>';
    opened.add(path);
    return ` ${fd}${operator}${shellQuote(pathForShell(plan, path))}`;
  };
  const stdin = executor.stdin ?? '/dev/null';
  return ` <${shellQuote(stdin)}${write('', logs.stdout)}${write('2', logs.stderr)}`.trim();
}

function renderExecutor(plan: LaunchPlan, index: number, opened: Set<string>): string {
  const executor = plan.executors[index]!;
  const q = shellQuote;
  const lines: string[] = [];
  if (plan.cputimeSec !== undefined) {
    // soft < hard: SIGXCPU at the limit (exit 152, which we can name); SIGKILL a second later.
    const soft = Math.max(1, Math.ceil(plan.cputimeSec));
    // Soft first: a hard limit below the current (unlimited) soft one is refused. A limit that
    // cannot be set stops the executor rather than letting it run unlimited.
    lines.push(`ulimit -S -t ${soft} || exit 125`, `ulimit -H -t ${soft + 1} || exit 125`);
  }
  if (plan.addressSpaceMiB !== undefined) {
    lines.push(`ulimit -v ${Math.floor(plan.addressSpaceMiB * 1024)}`);
  }
  const pin = plan.cpus?.length ? `taskset -c ${plan.cpus.join(',')} ` : '';
  if (plan.runAs) {
    lines.push(`exec ${pin}${asUser(plan, index, opened)}`);
  } else {
    for (const [key, value] of Object.entries(executor.env ?? {})) {
      lines.push(`export ${key}=${q(value)}`);
    }
    lines.push(`exec ${redirections(plan, index, opened)}`);
    if (executor.workdir)
      lines.push(`mkdir -p ${q(executor.workdir)} && cd ${q(executor.workdir)} || exit 127`);
    lines.push(`exec ${pin}${executor.command.map(q).join(' ')}`);
  }
  const stop = executor.ignoreError ? '' : `\n[ "$rc" -eq 0 ] || finish "$rc"`;
  // With one executor its code is the task's: the `exit` file alone records it.
  const record = plan.executors.length > 1 ? `\necho "$rc" > "$d/exit.${index}"` : '';
  return `(\n  ${lines.join('\n  ')}\n)\nrc=$?${record}${stop}`;
}

/** The script text; run it as `/bin/sh -c <script> <marker>` in a new session. */
export function renderLaunchScript(plan: LaunchPlan): string {
  const q = shellQuote;
  const n = plan.launch;
  const joinCgroups = plan.cgroupDirs
    .map((dir) => `echo $$ > ${q(`${dir}/cgroup.procs`)} || exit 125`)
    .join('\n');
  const opened = new Set<string>();
  let supervisorStderr = '';
  if (plan.supervisorStderr) {
    opened.add(plan.supervisorStderr);
    supervisorStderr = `exec 2>${q(plan.supervisorStderr)}\n`;
  }
  const executors = plan.executors.map((_, i) => renderExecutor(plan, i, opened)).join('\n');
  return `# JobProxy supervisor, launch ${n}. Generated; do not edit.
d=${q(plan.markersDir)}
set -C
echo $$ > "$d/claim.${n}" 2>/dev/null || exit 0
set +C
${supervisorStderr}${joinCgroups}
finish() {
  echo "$1" > "$d/exit"
  exit "$1"
}
${executors}
finish "$rc"
`;
}
