/**
 * Runs one task's executors in containers, in order, each its own container: create (pulling a
 * missing image), start, follow its output into the task's files, wait, record the exit code,
 * then remove it. Stops at the first failure unless that executor has ignoreError. A restarted
 * server resumes here with the containers it found by label: it re-attaches to a running one,
 * records the end of one that finished meanwhile, and never runs an executor twice.
 */
import { appendFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { JobReport, ReportJob } from '../../backend.js';
import type { TaskRecord } from '../../../model/task.js';
import { containerConfig, containerName } from './container-config.js';
import { followOutput, prepareOutputFiles } from './container-output.js';
import type { OutputFiles } from '../owner-files.js';
import { finalReport, type ExecutorEnd } from './describe-exit.js';
import {
  engineReason,
  engineStatus,
  isEngineUnreachable,
  type DockerEngine,
  type TaskContainer,
} from './engine.js';
import { setTimeout as delay } from 'node:timers/promises';

/** What every container task of one server shares. */
export interface ContainerRunContext {
  engine: DockerEngine;
  instance: string;
  publishAddress: string;
  /** The "uid:gid" a task owner's containers run as (src/backends/local/run-as.ts); none = image's. */
  userOf(owner: string): string | undefined;
  /** Makes the task's own directory and answers how its output files are written (as whom). */
  outputFilesOf(task: TaskRecord): Promise<OutputFiles>;
  cpuHardLimit?: number;
  /** How long to wait for an engine that does not answer before the task fails, ms. */
  engineWaitMs: number;
  report: ReportJob;
  log: Logger;
}

const ENGINE_RETRY_MS = 1000;
/** Exit codes of a command the runtime could not execute (not found, not executable). */
const NOT_RUNNABLE =
  /executable file not found|no such file or directory|permission denied|not a directory/i;

export class ContainerTask {
  private files: Promise<OutputFiles> | undefined;
  private readonly context: ContainerRunContext;
  private readonly task: TaskRecord;
  private readonly cpus: number[];
  private canceled = false;
  /** The server closes: stop following, leave the containers running for the next server. */
  private readonly detaching = new AbortController();
  /** The state last reported, so progress notes go with it (the guard refuses going back). */
  private phase: 'QUEUED' | 'INITIALIZING' | 'RUNNING' = 'QUEUED';
  private current: string | undefined;
  private startedReported = false;
  private running: Promise<void> | undefined;

  constructor(context: ContainerRunContext, task: TaskRecord, cpus: number[]) {
    this.context = context;
    this.task = task;
    this.cpus = cpus;
  }

  /**
   * Runs (or, with `found`, resumes) the task and reports its end; never rejects. `found` are the
   * task's containers a restarted server found by label.
   */
  run(found?: TaskContainer[]): Promise<void> {
    this.running ??= this.runAndReport(found);
    return this.running;
  }

  /** Stops following the task without touching its containers (the server closes). */
  async detach(): Promise<void> {
    this.detaching.abort();
    await this.running;
  }

  /** Kills and removes the task's container; resolves once the task's run has ended. */
  async cancel(): Promise<void> {
    this.canceled = true;
    const target = this.current;
    const { engine, log } = this.context;
    // By name too: a create may be in flight, and the run loop removes what it then makes.
    for (const name of new Set([
      target,
      ...this.task.spec.executors.map((_, i) => containerName(this.task.id, i)),
    ])) {
      if (name === undefined) continue;
      try {
        await engine.remove(name);
      } catch (error) {
        log.warn(
          { task: this.task.id, container: name, err: error },
          'could not remove a container on cancel',
        );
      }
    }
    await this.running;
  }

  private async runAndReport(found: TaskContainer[] | undefined): Promise<void> {
    const id = this.task.id;
    let report: JobReport | undefined;
    try {
      report = await this.runExecutors(found);
    } catch (error) {
      if (this.detaching.signal.aborted) return;
      const reason = failureReason(error);
      this.context.log.warn({ task: id, err: error }, 'container task failed');
      report = {
        state: 'SYSTEM_ERROR',
        description: reason,
        systemLog: reason,
        ended: new Date().toISOString(),
      };
    }
    if (this.detaching.signal.aborted) return;
    // Recorded first, removed after: a restart in between finds the container and its exit.
    if (report && !this.canceled) this.context.report(id, report);
    if (this.current) await this.removeQuietly(this.current);
  }

  /** How this task's output files are written: made once, on first use. */
  private outputFiles(): Promise<OutputFiles> {
    this.files ??= this.context.outputFilesOf(this.task);
    return this.files;
  }

  private async runExecutors(found: TaskContainer[] | undefined): Promise<JobReport | undefined> {
    const { executors } = this.task.spec;
    const ends: (ExecutorEnd | null)[] = this.task.results.map((r) =>
      r.exitCode === null ? null : { exitCode: r.exitCode, oomKilled: false },
    );
    if (!found) {
      await prepareOutputFiles(this.task.logPaths, await this.outputFiles());
    } else {
      this.startedReported = true;
      this.report({ state: 'RUNNING', description: 'running' });
    }
    for (let i = 0; i < executors.length; i++) {
      const executor = executors[i]!;
      const leftovers = (found ?? []).filter((c) => c.executor === i);
      if (ends[i] === null) {
        if (this.canceled) return undefined;
        const end = await this.runExecutor(i, leftovers[0]);
        if (!end) return undefined;
        ends[i] = end;
        if (i < executors.length - 1) {
          // Recorded before the container goes: a restart after this point skips executor i.
          this.report({
            state: 'RUNNING',
            executorExitCodes: ends.map((e) => e?.exitCode ?? null),
          });
        }
      }
      // A container whose end is already recorded is only a leftover now.
      for (const leftover of leftovers) await this.removeQuietly(leftover.id);
      if (this.current && i < executors.length - 1) {
        await this.removeQuietly(this.current);
        this.current = undefined;
      }
      const end = ends[i]!;
      if ((end.exitCode !== 0 || end.oomKilled) && !executor.ignoreError) break;
    }
    return finalReport(ends, this.task.spec.resources);
  }

  /** Runs or resumes executor `i`; undefined when canceled meanwhile. */
  private async runExecutor(
    i: number,
    found: TaskContainer | undefined,
  ): Promise<ExecutorEnd | undefined> {
    const executor = this.task.spec.executors[i]!;
    if (!executor.image)
      throw new Error(`executor ${i} has no image, but the task runs in containers`);
    const id = found?.id ?? (await this.createContainer(i));
    this.current = id;
    if (this.canceled) return undefined;
    if (!found || found.state === 'created') {
      const failed = await this.startContainer(id, i);
      if (failed) return failed;
    }
    if (!this.startedReported) {
      this.startedReported = true;
      this.report({ state: 'RUNNING', description: 'running', started: new Date().toISOString() });
    }
    const signal = this.detaching.signal;
    const source = await this.engineCall(() => this.context.engine.followLogs(id, signal));
    const output = followOutput(source, this.task.logPaths[i]!, await this.outputFiles());
    await this.engineCall(() => this.context.engine.wait(id, signal));
    if (signal.aborted) return undefined;
    const state = await this.engineCall(() => this.context.engine.inspect(id));
    if (this.canceled) return undefined;
    if (!state)
      throw new Error(`container ${id.slice(0, 12)} of executor ${i} was removed by someone else`);
    await output.complete(() => this.engineCall(() => this.context.engine.readLogs(id)));
    return { exitCode: state.exitCode, oomKilled: state.oomKilled };
  }

  private async createContainer(i: number): Promise<string> {
    const executor = this.task.spec.executors[i]!;
    const { engine, instance, publishAddress, cpuHardLimit } = this.context;
    const options = containerConfig({
      taskId: this.task.id,
      executorIndex: i,
      executor,
      resources: this.task.spec.resources,
      instance,
      cpus: this.cpus,
      publishAddress,
      cpuHardLimit,
      user: this.context.userOf(this.task.spec.user),
    });
    this.report({
      state: 'INITIALIZING',
      description: `creating container from ${executor.image}`,
    });
    try {
      return await this.engineCall(() =>
        engine.create(options, () =>
          this.report({ state: 'INITIALIZING', description: `pulling image ${executor.image}` }),
        ),
      );
    } catch (error) {
      if (engineStatus(error) !== 409) throw error;
      // Its name is taken: an earlier attempt made it. Use that one.
      const mine = await engine.listContainers(instance, this.task.id);
      const existing = mine.find((c) => c.executor === i);
      if (!existing) throw error;
      return existing.id;
    }
  }

  /** Starts a container; a command the runtime cannot execute ends the executor, not the task system. */
  private async startContainer(id: string, i: number): Promise<ExecutorEnd | undefined> {
    try {
      await this.engineCall(() => this.context.engine.start(id));
      return undefined;
    } catch (error) {
      const reason = engineReason(error);
      const status = engineStatus(error);
      if (status === undefined || !NOT_RUNNABLE.test(reason)) throw error;
      const state = await this.context.engine.inspect(id);
      const exitCode = state && state.exitCode > 0 ? state.exitCode : 127;
      await appendFile(
        this.task.logPaths[i]!.stderr,
        `jobproxy: the container could not run the command: ${reason}\n`,
      );
      return { exitCode, oomKilled: false };
    }
  }

  /** An engine call, retried while the engine does not answer, for up to engineWait. */
  private async engineCall<T>(call: () => Promise<T>): Promise<T> {
    let deadline: number | undefined;
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (!isEngineUnreachable(error) || this.canceled || this.detaching.signal.aborted) {
          throw error;
        }
        deadline ??= Date.now() + this.context.engineWaitMs;
        if (Date.now() >= deadline) throw error;
        this.context.log.warn(
          { task: this.task.id, err: error },
          'waiting for the container engine',
        );
        this.report({ state: this.phase, description: 'waiting for the container engine' });
        await sleep(ENGINE_RETRY_MS);
        if (this.detaching.signal.aborted) throw error;
      }
    }
  }

  private async removeQuietly(id: string): Promise<void> {
    try {
      await this.context.engine.remove(id);
    } catch (error) {
      this.context.log.warn(
        { task: this.task.id, container: id, err: error },
        'could not remove a finished container',
      );
    }
  }

  private report(report: JobReport): void {
    if (this.canceled || this.detaching.signal.aborted) return;
    if (
      report.state === 'RUNNING' ||
      (report.state === 'INITIALIZING' && this.phase === 'QUEUED')
    ) {
      this.phase = report.state;
    }
    this.context.report(this.task.id, report);
  }
}

/** The reason a SYSTEM_ERROR gives: the engine's own words where it said something. */
function failureReason(error: unknown): string {
  if (isEngineUnreachable(error)) return (error as Error).message;
  const status = engineStatus(error);
  const reason = engineReason(error);
  return status === undefined ? reason : `the container engine refused: ${reason}`;
}

function sleep(ms: number): Promise<void> {
  return delay(ms, undefined, { ref: false });
}
