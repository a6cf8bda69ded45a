/**
 * Renders the supervisor script of one launch of a local task. The script, not the server, runs
 * the executors and records their exit codes in files, so a task outlives a server restart and a
 * restarted server can read how it ended. Markers in the task directory (N = launch number):
 *   claim.N    created exclusively first (noclobber: O_EXCL), holding the supervisor's pid: a
 *              launch runs only if it made it. Recovery creates it instead (holding "recovery")
 *              to be sure an interrupted launch never runs late, so nothing runs twice.
 *   exit.I     exit code of executor I (only for tasks with more than one)
 *   exit       the task's exit code, written last; a torn write reads as no code at all
 * Shell builtins only on the way (no mkdir, no mv): each fork costs as much as the task itself
 * for short commands.
 */
import { dirname } from 'node:path';
import type { ExecutorSpec } from '../../model/task.js';
import type { UnixIdentity } from '../run-as.js';

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
 * groups; env -i gives it a clean environment; a shell of its own opens files outside the task's
 * directory, so the kernel checks them against the user's rights, not root's. Files in the task's
 * own directory (which only the server writes) are opened before the switch: the user need not
 * be able to reach the work directory.
 */
function asUser(plan: LaunchPlan, index: number, opened: Set<string>): string {
  const executor = plan.executors[index]!;
  const { uid, gid, name, home } = plan.runAs!;
  const q = shellQuote;
  const own = (path: string) => dirname(path) === plan.taskDir;
  const inner: string[] = [];
  if (executor.workdir)
    inner.push(`mkdir -p ${q(executor.workdir)} && cd ${q(executor.workdir)} || exit 127`);
  inner.push(
    `exec ${executor.command.map(q).join(' ')} ${redirections(plan, index, opened, (p) => !own(p))}`,
  );
  const env = {
    HOME: home,
    USER: name,
    LOGNAME: name,
    PATH: CLEAN_PATH,
    SHELL: '/bin/sh',
    ...(plan.taskId ? { JOBPROXY_TASK_ID: plan.taskId } : {}),
    ...executor.env,
  };
  const assignments = Object.entries(env).map(([key, value]) => q(`${key}=${value}`));
  return [
    `setpriv --reuid=${uid} --regid=${gid} --init-groups --`,
    `env -i ${assignments.join(' ')}`,
    `/bin/sh -c ${q(inner.join('\n'))}`,
    redirections(plan, index, opened, own),
  ].join(' ');
}

/**
 * stdin, stdout, stderr of one executor, those of them whose path `here` accepts: a file's first
 * writer truncates it, later ones append.
 */
function redirections(
  plan: LaunchPlan,
  index: number,
  opened: Set<string>,
  here: (path: string) => boolean = () => true,
): string {
  const executor = plan.executors[index]!;
  const logs = plan.logPaths[index]!;
  const write = (fd: string, path: string): string => {
    if (!here(path)) return '';
    const operator = opened.has(path) ? '>>' : '>';
    opened.add(path);
    return ` ${fd}${operator}${shellQuote(path)}`;
  };
  const stdin = executor.stdin ?? '/dev/null';
  const read = here(stdin) ? ` <${shellQuote(stdin)}` : '';
  return `${read}${write('', logs.stdout)}${write('2', logs.stderr)}`.trim();
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
    if (executor.workdir)
      lines.push(`mkdir -p ${q(executor.workdir)} && cd ${q(executor.workdir)} || exit 127`);
    lines.push(
      `exec ${pin}${executor.command.map(q).join(' ')} ${redirections(plan, index, opened)}`,
    );
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
d=${q(plan.taskDir)}
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
