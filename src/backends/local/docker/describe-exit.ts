/** Says how a container task ended, naming the limit that killed it, as a report for the service. */
import { constants } from 'node:os';
import type { JobReport } from '../../backend.js';
import type { ResourceSpec } from '../../../model/task.js';

const SIGXCPU_EXIT = 128 + constants.signals.SIGXCPU;
const SIGKILL_EXIT = 128 + constants.signals.SIGKILL;

/** How one executor's container ended. */
export interface ExecutorEnd {
  exitCode: number;
  oomKilled: boolean;
}

function signalName(code: number): string {
  const number = code - 128;
  return Object.entries(constants.signals).find(([, n]) => n === number)?.[0] ?? `signal ${number}`;
}

/** The words for a non-zero end: the limit it hit, the signal, or the exit code. */
export function describeEnd(end: ExecutorEnd, resources: ResourceSpec): string {
  if (end.oomKilled) {
    return resources.memoryMiB !== undefined
      ? `killed: memory limit ${resources.memoryMiB} MiB exceeded`
      : 'killed: out of memory';
  }
  // SIGXCPU at the soft limit; SIGKILL at the hard one (soft + 1) if SIGXCPU was ignored.
  if (
    resources.cputimeSec !== undefined &&
    (end.exitCode === SIGXCPU_EXIT || end.exitCode === SIGKILL_EXIT)
  ) {
    return `killed: cputime limit ${resources.cputimeSec} s exceeded`;
  }
  if (end.exitCode > 128 && end.exitCode < 128 + 65) return `killed by ${signalName(end.exitCode)}`;
  return `exited with code ${end.exitCode}`;
}

/**
 * The final report once executors stopped running: as host tasks, the task's exit code is that of
 * the last executor that ran, and an executor without ignoreError that failed ends the task.
 */
export function finalReport(ends: (ExecutorEnd | null)[], resources: ResourceSpec): JobReport {
  const executorExitCodes = ends.map((end) => end?.exitCode ?? null);
  const ended = new Date().toISOString();
  const last = [...ends].reverse().find((end): end is ExecutorEnd => end !== null);
  if (!last) {
    return {
      state: 'SYSTEM_ERROR',
      exitCode: null,
      executorExitCodes,
      ended,
      description: 'no executor ran',
      systemLog: 'no executor container ended with an exit code',
    };
  }
  // An OOM kill can end an executor with code 0 when an init survived it; it is still a failure.
  if (last.exitCode === 0 && !last.oomKilled) {
    return {
      state: 'COMPLETE',
      exitCode: 0,
      executorExitCodes,
      ended,
      description: 'exited with code 0',
    };
  }
  return {
    state: 'EXECUTOR_ERROR',
    exitCode: last.exitCode,
    executorExitCodes,
    ended,
    description: describeEnd(last, resources),
  };
}
