/** What the parts of the batch engine share: the scheduler, the settings and a command runner. */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BatchSettings } from './batch-options.js';
import { runCommand, type CommandResult } from './run-command.js';
import type { BatchScheduler } from './scheduler.js';

export interface EngineContext {
  scheduler: BatchScheduler;
  settings: BatchSettings;
  /** The server's work directory; each task has `tasks/<id>` under it (shared with the nodes). */
  workdir: string;
  log: Logger;
  /** Runs a scheduler command with the scheduler's environment and the command timeout. */
  run(argv: string[]): Promise<CommandResult>;
}

/** The task's directory: job script, markers, default outputs. */
export function taskDirOf(context: Pick<EngineContext, 'workdir'>, taskId: string): string {
  return join(context.workdir, 'tasks', taskId);
}

/** The job name that marks a task's job, so a submit that may have got through can be found. */
export function jobNameOf(taskId: string): string {
  return `jp-${taskId}`;
}

/** Where the scheduler writes the job script's own stdout/stderr (not the task's outputs). */
export function scriptOutputsOf(taskDir: string): { stdout: string; stderr: string } {
  return { stdout: join(taskDir, 'job.out'), stderr: join(taskDir, 'job.err') };
}

/**
 * The environment of scheduler commands (and so, with Slurm's default --export=ALL, of jobs):
 * the server's, without JobProxy's own settings, plus what the scheduler needs.
 */
export function commandEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('JOBPROXY_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** A command runner bound to an environment, a timeout and an abort signal. */
export function commandRunner(
  env: NodeJS.ProcessEnv,
  timeoutSeconds: number,
  signal: AbortSignal,
): (argv: string[]) => Promise<CommandResult> {
  return (argv) => runCommand(argv, { env, timeoutMs: timeoutSeconds * 1000, signal });
}

/** Runs `work` over `items` with at most `limit` at a time; results in the items' order. */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
