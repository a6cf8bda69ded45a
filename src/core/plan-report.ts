/**
 * What a framework's report does to the stored task — a pure decision, so the races around it
 * (a repeated report, a failure just before a cancel) are unit-tested alone.
 */
import type { JobReport } from '../backends/backend.js';
import { isTerminal, type TaskState } from '../model/states.js';
import type { TaskRecord } from '../model/task.js';
import type { TaskPatch } from '../store/store.js';

/** A framework's clock may be coarser than ours (Slurm and Grid Engine give whole seconds). */
export const FRAMEWORK_CLOCK_SLACK_MS = 1000;

export type ReportPlan =
  | { kind: 'move'; to: TaskState; patch: TaskPatch }
  | { kind: 'patch'; patch: TaskPatch }
  | { kind: 'ignore' };

export interface ReportTimes {
  /** When the server received the report (its own clock), ms since the epoch. */
  receivedAt: number;
  /** When the task entered CANCELING (its own clock), if it did. */
  cancelingAt?: number;
}

/**
 * Whether a failure reported of a CANCELING task happened on its own, before the cancel
 * (docs/decisions.md: it keeps its real outcome): the server had the report before it recorded
 * the cancel, or the framework says the task ended clearly before it.
 */
export function failedBeforeCancel(report: JobReport, times: ReportTimes): boolean {
  if (times.cancelingAt === undefined) return false;
  if (times.receivedAt < times.cancelingAt) return true;
  const ended = report.ended === undefined ? NaN : Date.parse(report.ended);
  return ended < times.cancelingAt - FRAMEWORK_CLOCK_SLACK_MS;
}

function targetOf(current: TaskRecord, report: JobReport, times: ReportTimes): TaskState {
  const failure = report.state === 'EXECUTOR_ERROR' || report.state === 'SYSTEM_ERROR';
  // A task being canceled that then dies of the kill is CANCELED, not a failure.
  if (current.state === 'CANCELING' && failure && !failedBeforeCancel(report, times)) {
    return 'CANCELED';
  }
  return report.state;
}

/** The patch a report writes; `started` only where none is stored (the first start wins). */
function patchOf(current: TaskRecord, report: JobReport, target: TaskState): TaskPatch {
  const patch: TaskPatch = {
    description: target === 'CANCELED' ? 'canceled' : report.description,
  };
  if (report.started !== undefined && !current.started) patch.started = report.started;
  if (report.ended !== undefined && isTerminal(target)) patch.ended = report.ended;
  if (report.exitCode !== undefined) patch.exitCode = report.exitCode;
  if (report.executorExitCodes) {
    patch.results = current.results.map((result, i) => ({
      ...result,
      exitCode: report.executorExitCodes![i] ?? result.exitCode,
    }));
  }
  if (report.systemLog) patch.systemLogs = [...current.systemLogs, report.systemLog];
  return patch;
}

/** What to write for `report` about `current`: a state move, a patch of the same state, nothing. */
export function planReport(current: TaskRecord, report: JobReport, times: ReportTimes): ReportPlan {
  // Terminal states never change: a repeated or late report rewrites nothing (not its times).
  if (isTerminal(current.state)) return { kind: 'ignore' };
  const target = targetOf(current, report, times);
  const patch = patchOf(current, report, target);
  if (current.state === target) return { kind: 'patch', patch };
  return { kind: 'move', to: target, patch };
}
