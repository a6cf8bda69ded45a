/**
 * How a framework's report about a task reaches the store: through the beforeFinish hook for an
 * end (collecting outputs), then planned (plan-report.ts) and written through the state guard.
 * Never throws into the framework: a store fault keeps the report for a retry (pending writes).
 */
import type { JobReport } from '../backends/backend.js';
import { canTransition, isTerminal, type TaskState } from '../model/states.js';
import type { Store, TaskPatch } from '../store/store.js';
import type { PendingWrites } from './pending-writes.js';
import { planReport } from './plan-report.js';
import type { TaskHooks } from './task-service-types.js';

export interface ReportRecorderDeps {
  store: Store;
  hooks?: TaskHooks;
  pendingWrites: PendingWrites;
  /** Moves a task through the state guard; a store fault is thrown (and the report retried). */
  moveTo(id: string, to: TaskState, patch: TaskPatch): void;
  /** After close the store is gone; a restarted server reads the end from the framework. */
  isClosed(): boolean;
}

export class ReportRecorder {
  /** Tasks whose beforeFinish hook runs now: further reports of their end are ignored. */
  private readonly finishing = new Set<string>();

  constructor(private readonly deps: ReportRecorderDeps) {}

  /** Whether the task's end is being finished now (its outcome is known, not yet stored). */
  isFinishing(taskId: string): boolean {
    return this.finishing.has(taskId);
  }

  /** Applies a report, if the state guard allows it; retried while the store fails. */
  apply(taskId: string, report: JobReport): void {
    const receivedAt = Date.now();
    this.deps.pendingWrites.run(taskId, 'report', () => this.applyNow(taskId, report, receivedAt));
  }

  private applyNow(taskId: string, report: JobReport, receivedAt: number): void {
    if (this.deps.isClosed()) return;
    const current = this.deps.store.getTask(taskId);
    if (!current) return;
    const hooks = this.deps.hooks;
    if (
      hooks?.beforeFinish &&
      isTerminal(report.state) &&
      canTransition(current.state, report.state)
    ) {
      if (this.finishing.has(taskId)) return;
      this.finishing.add(taskId);
      void hooks
        .beforeFinish(current, report)
        .catch((error: Error) => failedHook(report, `finishing the task failed: ${error.message}`))
        .then((final) => {
          this.finishing.delete(taskId);
          this.deps.pendingWrites.run(taskId, 'report', () =>
            this.record(taskId, final, receivedAt),
          );
        });
      return;
    }
    this.record(taskId, report, receivedAt);
  }

  /** Stores a report about one task, if the state guard allows it. */
  private record(taskId: string, report: JobReport, receivedAt: number): void {
    if (this.deps.isClosed()) return;
    const { store } = this.deps;
    const current = store.getTask(taskId);
    if (!current) return;
    const plan = planReport(current, report, {
      receivedAt,
      cancelingAt: current.state === 'CANCELING' ? this.cancelingAt(taskId) : undefined,
    });
    if (plan.kind === 'patch') store.patchIf(taskId, current.state, plan.patch);
    if (plan.kind === 'move') this.deps.moveTo(taskId, plan.to, plan.patch);
  }

  /** When the task last entered CANCELING, by the server's clock. */
  private cancelingAt(taskId: string): number | undefined {
    const entry = this.deps.store
      .stateHistory(taskId)
      .filter((e) => e.state === 'CANCELING')
      .pop();
    return entry ? Date.parse(entry.at) : undefined;
  }
}

/** The SYSTEM_ERROR a failed hook turns a report into. */
function failedHook(report: JobReport, reason: string): JobReport {
  return { ...report, state: 'SYSTEM_ERROR', description: reason, systemLog: reason };
}
