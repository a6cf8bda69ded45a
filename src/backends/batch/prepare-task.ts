/**
 * Lays out a task's directory before its job is submitted: the directory itself (the scheduler
 * writes the job script's own output there, and fails a job silently when it cannot) and the job
 * script, which makes the task's outputs and their directories itself when it runs. The directory
 * is shared with the nodes; when jobs are submitted as another user (runAs) it belongs to that user. Few file operations:
 * this runs for every task of a burst.
 */
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import type { UnixIdentity } from '../run-as.js';
import { join } from 'node:path';
import type { TaskRecord } from '../../model/task.js';
import { jobNameOf, scriptOutputsOf, taskDirOf, type EngineContext } from './engine-context.js';
import { renderJobScript } from './job-script.js';

/** The job script's file name in the task directory. */
export const SCRIPT = 'job.sh';
/** Written before an array submit: the array's directory and the task's element index in it. */
export const ARRAY_MARKER = 'array';

/** The Unix user a job is submitted as (src/backends/run-as.ts). */
export type Owner = UnixIdentity;

/**
 * Writes the task directory and its job script; returns the script's path. The script exists from
 * here on: a later submit of the task looks for the job an earlier one may have made.
 */
export function prepareTask(
  context: EngineContext,
  task: TaskRecord,
  owner: Owner | undefined,
): string {
  const { scheduler, settings } = context;
  const { cores, memoryMiB, cputimeSec } = task.spec.resources;
  const taskDir = taskDirOf(context, task.id);
  const scriptPath = join(taskDir, SCRIPT);
  mkdirSync(taskDir, { recursive: true });
  const outputs = scriptOutputsOf(taskDir);
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
  writeFileSync(scriptPath, script, { mode: 0o755 });
  if (owner) {
    for (const path of [taskDir, scriptPath]) chownSync(path, owner.uid, owner.gid);
  }
  return scriptPath;
}

/** uid and gid of a user of this machine, from /etc/passwd. */
