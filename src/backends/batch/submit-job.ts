/**
 * Submits one task as a batch job (through the SubmitBatcher, which may make it an element of an
 * array job). Nothing is submitted twice: a task whose script exists was handed to the scheduler
 * before (the answer may have been lost to a timeout or a crash), so its job is looked up first —
 * by the id the job wrote when it started, else by the job's (or its array's) name. A scheduler
 * that cannot be reached makes a RetryableSubmitError (the task stays QUEUED) until the retry
 * deadline; a refusal is a plain error (the task ends SYSTEM_ERROR with the scheduler's message).
 */
import { resolveRunAs } from '../run-as.js';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RetryableSubmitError } from '../backend.js';
import type { TaskRecord } from '../../model/task.js';
import { jobNameOf, taskDirOf, type EngineContext } from './engine-context.js';
import { MARKERS } from './job-script.js';
import { ARRAY_MARKER, SCRIPT } from './prepare-task.js';
import { describeFailure, type CommandResult } from './run-command.js';
import { arrayNameOf, type SubmitBatcher } from './submit-batcher.js';

const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 30_000;

/** Submits the task; resolves to its job id. `attempts` counts failed tries per task (backoff). */
export async function submitJob(
  context: EngineContext,
  batcher: SubmitBatcher,
  task: TaskRecord,
  attempts: Map<string, number>,
): Promise<string> {
  if (existsSync(join(taskDirOf(context, task.id), SCRIPT))) {
    const earlier = await findEarlierJob(context, task, attempts);
    if (earlier !== undefined) {
      context.log.info(
        { task: task.id, jobId: earlier },
        'found the job of an earlier submit; not submitting again',
      );
      attempts.delete(task.id);
      return earlier;
    }
  }
  const { identity: owner, problem } = resolveRunAs(task.spec.user, context.settings);
  if (problem) throw new Error(problem);
  const jobId = await batcher.submit(task, owner);
  attempts.delete(task.id);
  return jobId;
}

/** The error a failed submit command makes: retry later if the scheduler was not reached. */
export function submitFailure(
  context: EngineContext,
  attempts: Map<string, number>,
): (task: TaskRecord, argv: string[], result: CommandResult) => Error {
  return (task, argv, result) =>
    result.timedOut || context.scheduler.isOutage(result)
      ? retryLater(context, task, attempts, describeFailure(argv, result))
      : new Error(describeFailure(argv, result));
}

/** The job an earlier submit of this task created, if the job itself or the scheduler knows it. */
async function findEarlierJob(
  context: EngineContext,
  task: TaskRecord,
  attempts: Map<string, number>,
): Promise<string | undefined> {
  const taskDir = taskDirOf(context, task.id);
  // A job that ran wrote its id first thing; that outlives the scheduler's memory of it.
  const claimed = readText(join(taskDir, MARKERS.claimJob));
  if (claimed) return claimed;
  const { scheduler } = context;
  const [arrayDir, index] = (readText(join(taskDir, ARRAY_MARKER)) ?? '').split('\n');
  if (arrayDir && index) {
    const arrayId = await find(
      context,
      task,
      attempts,
      scheduler.findArrayCommands(arrayNameOf(basename(arrayDir))),
      arrayNameOf(basename(arrayDir)),
    );
    if (arrayId !== undefined) return scheduler.array.elementId(arrayId, Number(index));
  }
  return find(
    context,
    task,
    attempts,
    scheduler.findCommands(jobNameOf(task.id)),
    jobNameOf(task.id),
  );
}

async function find(
  context: EngineContext,
  task: TaskRecord,
  attempts: Map<string, number>,
  commands: string[][],
  name: string,
): Promise<string | undefined> {
  for (const argv of commands) {
    const result = await context.run(argv);
    if (result.code === 0) {
      const jobId = context.scheduler.parseFind(result.stdout, name);
      if (jobId !== undefined) return jobId;
    } else if (result.timedOut || context.scheduler.isOutage(result)) {
      // Submitting now could make a second job: wait until the scheduler can tell.
      throw retryLater(context, task, attempts, describeFailure(argv, result));
    }
  }
  return undefined;
}

/** A RetryableSubmitError with backoff, or the final error once the deadline has passed. */
function retryLater(
  context: EngineContext,
  task: TaskRecord,
  attempts: Map<string, number>,
  reason: string,
): Error {
  const attempt = (attempts.get(task.id) ?? 0) + 1;
  attempts.set(task.id, attempt);
  const delay = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
  const deadline = Date.parse(task.created) + context.settings.submitRetryDeadline * 1000;
  if (Date.now() + delay > deadline) {
    attempts.delete(task.id);
    return new Error(
      `${reason} (gave up: the scheduler could not be reached for ${context.settings.submitRetryDeadline} s, ${attempt} tries)`,
    );
  }
  return new RetryableSubmitError(reason, delay);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
