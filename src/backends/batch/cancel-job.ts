/**
 * Cancels one batch job: the scheduler's cancel command, retried while the scheduler cannot be
 * reached (up to commandTimeout), then a wait until the job no longer shows as active, so that a
 * deleted task is gone from the queue when the answer comes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskRecord } from '../../model/task.js';
import type { EngineContext } from './engine-context.js';
import { isActive, queryQueue } from './poll-jobs.js';
import { describeFailure } from './run-command.js';

/** How long a cancel waits for the job to leave the scheduler's running states. */
const CANCEL_WAIT_MS = 20_000;

export async function cancelJob(
  context: EngineContext,
  task: TaskRecord,
  isClosed: () => boolean,
): Promise<void> {
  const jobId = task.jobId!;
  await sendCancel(context, jobId, isClosed);
  const until = Date.now() + CANCEL_WAIT_MS;
  while (!isClosed() && Date.now() < until) {
    const queue = await queryQueue(context, [jobId]).catch(() => undefined);
    if (queue !== undefined && !isActive(queue.get(jobId))) return;
    await sleep(250);
  }
  context.log.warn({ task: task.id, jobId }, 'the job still shows as active after cancel');
}

/** The cancel command until it works, finds nothing, or fails for another reason than an outage. */
async function sendCancel(
  context: EngineContext,
  jobId: string,
  isClosed: () => boolean,
): Promise<void> {
  const { scheduler, settings } = context;
  const argv = scheduler.cancelCommand([jobId]);
  const deadline = Date.now() + settings.commandTimeout * 1000;
  for (;;) {
    const result = await context.run(argv);
    if (result.code === 0 || scheduler.cancelFoundNothing(result)) return;
    const reason = describeFailure(argv, result);
    if (isClosed() || Date.now() > deadline || !(result.timedOut || scheduler.isOutage(result))) {
      throw new Error(reason);
    }
    await sleep(1000);
  }
}
