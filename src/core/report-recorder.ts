/**
 * How a framework's report about a task reaches the store: through the beforeFinish hook for an
 * end (collecting outputs), then planned (plan-report.ts) and written through the state guard.
 * Never throws into the framework: a store fault keeps the report for a retry (pending writes).
 */
import type { JobReport } from '../backends/backend.js';
import { canTransition, isTerminal, type TaskState } from '../model/states.js';
import type { TaskRecord } from '../model/task.js';
import type { Store, TaskPatch } from '../store/store.js';
import type { PendingWrites } from './pending-writes.js';
import { planReport } from './plan-report.js';
import type { TaskHooks } from './task-service-types.js';

export interface ReportRecorderDeps {
  store: Store;
  hooks?: TaskHooks;
  pendingWrites: PendingWrites;
  /** Moves a task through the state guard; a store fault is thrown (and the report retried). */
  /** `current`: the task as just read, in the same synchronous step. */
  moveTo(id: string, to: TaskState, patch: TaskPatch, current?: TaskRecord): void;
  /** Runs the writes of `work` in one transaction (the service tells their changes after it). */
  inOneTransaction(work: () => void): void;
  /** After close the store is gone; a restarted server reads the end from the framework. */
  isClosed(): boolean;
}

interface ArrivedReport {
  taskId: string;
  report: JobReport;
  receivedAt: number;
}

export class ReportRecorder {
  /** Tasks whose beforeFinish hook runs now: further reports of their end are ignored. */
  private readonly finishing = new Set<string>();
  /** Reports of this event-loop turn, written together in one transaction after it. */
  private arrived: ArrivedReport[] = [];

  constructor(private readonly deps: ReportRecorderDeps) {}

  /** Whether the task's end is being finished now (its outcome is known, not yet stored). */
  isFinishing(taskId: string): boolean {
    return this.finishing.has(taskId);
  }

  /**
   * Applies a report, if the state guard allows it; retried while the store fails. The reports of
   * one turn (a poll, a burst of exits) are written in one transaction, one fsync, after it — or
   * sooner, before the service reads or moves a task (writeArrived), so that order is kept.
   */
  apply(taskId: string, report: JobReport): void {
    this.arrived.push({ taskId, report, receivedAt: Date.now() });
    if (this.arrived.length === 1) setImmediate(() => this.writeArrived());
  }

  /**
   * Writes the reports that arrived, in order, in one transaction. A task with writes waiting for
   * the store queues its report behind them; if the transaction fails, every report of it goes
   * its own way through the pending writes (retried alone while the store fails).
   */
  writeArrived(): void {
    if (this.arrived.length === 0) return;
    const batch = this.arrived;
    this.arrived = [];
    const { pendingWrites } = this.deps;
    const own = batch.filter((r) => !pendingWrites.isWaiting(r.taskId));
    for (const r of batch) if (!own.includes(r)) this.applyLater(r);
    if (own.length === 0) return;
    try {
      this.deps.inOneTransaction(() => {
        for (const r of own) this.applyNow(r.taskId, r.report, r.receivedAt);
      });
    } catch {
      for (const r of own) this.applyLater(r);
    }
  }

  private applyLater({ taskId, report, receivedAt }: ArrivedReport): void {
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
      canTransition(current.state, report.state) &&
      hooks.finishes?.(current, report) !== false
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
    this.record(taskId, report, receivedAt, current);
  }

  /**
   * Stores a report about one task, if the state guard allows it. `known`: the task as read in
   * this same synchronous step.
   */
  private record(taskId: string, report: JobReport, receivedAt: number, known?: TaskRecord): void {
    if (this.deps.isClosed()) return;
    const { store } = this.deps;
    const current = known ?? store.getTask(taskId);
    if (!current) return;
    const plan = planReport(current, report, {
      receivedAt,
      cancelingAt: current.state === 'CANCELING' ? this.cancelingAt(taskId) : undefined,
    });
    if (plan.kind === 'patch') store.patchIf(taskId, current.state, plan.patch);
    if (plan.kind === 'move') this.deps.moveTo(taskId, plan.to, plan.patch, current);
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
