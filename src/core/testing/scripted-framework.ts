/**
 * A scripted framework for unit tests of the service's own logic (never a stand-in for a real
 * framework's tests): each submit and cancel waits until the test settles it, and every call is
 * recorded, so a test can place a cancel, a report or a store fault exactly between two steps.
 */
import type { Backend, JobReport } from '../../backends/backend.js';
import type { TaskRecord } from '../../model/task.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** A promise the test settles from outside. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface ScriptedFramework extends Backend {
  /** Submits asked for, in order; settle each one's `job`. */
  readonly submits: { task: TaskRecord; job: Deferred<string> }[];
  /** Cancels asked for, in order; each resolves at once unless `holdCancels` is set. */
  readonly cancels: { task: TaskRecord; done: Deferred<void> }[];
  /** Reports `poll` answers next, by task id. */
  readonly pollReports: Map<string, JobReport>;
  holdCancels: boolean;
  /** Resolves when the n-th submit (1-based) has been asked for. */
  submitted(n: number): Promise<void>;
  removedFiles: string[];
}

/** Polls `check` every millisecond until it holds (fails after 2 s). */
export async function until(check: () => boolean, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

export function scriptedFramework(options: { submitConcurrency?: number } = {}): ScriptedFramework {
  const framework: ScriptedFramework = {
    info: {
      name: 'scripted',
      supports: {
        containers: true,
        ports: true,
        mounts: true,
        cores: true,
        memory: true,
        cputime: true,
        multipleExecutors: true,
      },
      pollStates: ['INITIALIZING', 'RUNNING', 'CANCELING'],
      containers: 'host',
      submitsInFlight: options.submitConcurrency,
    },
    submits: [],
    cancels: [],
    pollReports: new Map(),
    holdCancels: false,
    removedFiles: [],
    submit(task) {
      const job = deferred<string>();
      framework.submits.push({ task, job });
      return job.promise;
    },
    cancel(task) {
      const done = deferred<void>();
      framework.cancels.push({ task, done });
      if (!framework.holdCancels) done.resolve();
      return done.promise;
    },
    async poll(tasks) {
      const reports = new Map<string, JobReport>();
      for (const task of tasks) {
        const report = framework.pollReports.get(task.id);
        if (report) reports.set(task.id, report);
      }
      return reports;
    },
    async recover() {},
    async close() {},
    async removeTaskFiles(taskId) {
      framework.removedFiles.push(taskId);
    },
    submitted: (n) => until(() => framework.submits.length >= n, `submit #${n}`),
  };
  return framework;
}
