/**
 * Lays out a task's directory before its job is submitted: the output files (and their
 * directories, since a scheduler fails a job silently on a missing one) and the job script. The
 * directory is shared with the nodes; with submitAsUser it belongs to the task's user.
 */
import { chownSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TaskRecord } from '../../model/task.js';
import { jobNameOf, scriptOutputsOf, taskDirOf, type EngineContext } from './engine-context.js';
import { renderJobScript } from './job-script.js';

/** The job script's file name in the task directory. */
export const SCRIPT = 'job.sh';
/** Written before an array submit: the array's directory and the task's element index in it. */
export const ARRAY_MARKER = 'array';

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * Writes the task directory and its job script; returns the script's path. `elementOutputs`, for
 * an array element, are the scheduler's per-element output files the task's job.out/job.err
 * point to (an array has one output pattern for all its elements).
 */
export function prepareTask(
  context: EngineContext,
  task: TaskRecord,
  owner: Owner | undefined,
  elementOutputs?: { stdout: string; stderr: string },
): string {
  const { scheduler, settings } = context;
  const { cores, memoryMiB, cputimeSec } = task.spec.resources;
  const taskDir = taskDirOf(context, task.id);
  const scriptPath = join(taskDir, SCRIPT);
  mkdirSync(taskDir, { recursive: true });
  const outputs = scriptOutputsOf(taskDir);
  const files = task.logPaths.flatMap((p) => [p.stdout, p.stderr]);
  if (elementOutputs) {
    for (const [link, target] of [[outputs.stdout, elementOutputs.stdout], [outputs.stderr, elementOutputs.stderr]] as const) {
      rmSync(link, { force: true });
      symlinkSync(target, link);
    }
  } else {
    files.push(outputs.stdout, outputs.stderr);
  }
  for (const file of files) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
  }
  const script = renderJobScript({
    taskId: task.id,
    taskDir,
    directivePrefix: scheduler.directivePrefix,
    directives: scheduler.directives({
      jobName: jobNameOf(task.id),
      taskDir,
      scriptStdout: outputs.stdout,
      scriptStderr: outputs.stderr,
      cores,
      memoryMiB,
      cputimeSec,
    }),
    jobIdScript: scheduler.jobIdScript,
    executors: task.spec.executors,
    logPaths: task.logPaths,
    cores,
    memoryMiB,
    cputimeSec,
    bindCores: settings.bindCores,
    containerCli: settings.containerCli,
  });
  const temporary = `${scriptPath}.tmp`;
  writeFileSync(temporary, script, { mode: 0o755 });
  if (owner) {
    for (const path of [taskDir, temporary, ...files]) chownSync(path, owner.uid, owner.gid);
  }
  renameSync(temporary, scriptPath);
  return scriptPath;
}

/** uid and gid of a user of this machine, from /etc/passwd. */
export function lookUpUser(user: string): Owner {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.split(':')[0] === user);
  if (!line) throw new Error(`cannot submit as user "${user}": no such user on this machine`);
  const fields = line.split(':');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}
