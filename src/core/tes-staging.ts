/**
 * TES file staging as TaskService hooks, independent of the framework: volumes and inputs before a
 * TES task goes to the framework, outputs after its executors end and before it is marked
 * finished. The list of collected files is kept with the task's other files
 * (<workdir>/tasks/<id>/tes-outputs.json) for the TES views. Tasks of other APIs are left alone.
 */
import { rootsFor } from '../model/allowed-roots.js';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { JobReport } from '../backends/backend.js';
import type { TaskRecord } from '../model/task.js';
import { tesExtra, type TesOutputFileLog } from '../model/tes-task.js';
import { DEFAULT_STORAGE, type StorageSettings } from '../storage/storage-settings.js';
import type { TaskHooks } from './task-service.js';
import { stageInputs } from './tes-inputs.js';
import { collectOutputs } from './tes-outputs.js';

export interface TesStagingOptions {
  /** The server's work directory; a task's own files live under <workdir>/tasks/<id>. */
  workdir: string;
  /** Host directories every TES path must lie in; empty = the work directory alone. */
  allowedRoots: readonly string[];
  log: Logger;
  /** The URL schemes switched on and how S3 is reached; default: all, S3 as the SDK finds it. */
  storage?: StorageSettings;
}

const OUTPUT_LOGS_FILE = 'tes-outputs.json';

export class TesStaging implements TaskHooks {
  /** The allowed roots, absolute and normalised. */
  readonly allowedRoots: readonly string[];
  readonly storage: StorageSettings;
  private readonly workdir: string;
  private readonly log: Logger;

  constructor(options: TesStagingOptions) {
    this.workdir = resolve(options.workdir);
    const roots = options.allowedRoots.length > 0 ? options.allowedRoots : [this.workdir];
    this.allowedRoots = roots.map((root) => resolve(root));
    this.log = options.log.child({ part: 'tes-staging' });
    this.storage = options.storage ?? DEFAULT_STORAGE;
  }

  /** Creates the volumes and stages the inputs of a TES task. */
  async beforeSubmit(task: TaskRecord): Promise<void> {
    const tes = tesExtra(task.spec);
    if (!tes) return;
    await stageInputs(tes, rootsFor(task.spec.user, this.allowedRoots), this.storage);
    if (tes.inputs.length > 0)
      this.log.info({ task: task.id, inputs: tes.inputs.length }, 'inputs staged');
  }

  /**
   * Collects the outputs of a TES task that ran to its end. Outputs that cannot be collected make a
   * COMPLETE task a SYSTEM_ERROR; after an executor failed they are expected and only logged.
   */
  async beforeFinish(task: TaskRecord, report: JobReport): Promise<JobReport> {
    const tes = tesExtra(task.spec);
    const ranToEnd = report.state === 'COMPLETE' || report.state === 'EXECUTOR_ERROR';
    if (!tes || tes.outputs.length === 0 || !ranToEnd || task.state === 'CANCELING') return report;
    const { logs, problems } = await collectOutputs(
      tes,
      rootsFor(task.spec.user, this.allowedRoots),
      this.storage,
    );
    this.writeOutputLogs(task.id, logs);
    if (problems.length === 0) return report;
    const reason = `collecting outputs failed: ${problems.join('; ')}`;
    this.log.warn({ task: task.id, problems }, 'collecting outputs failed');
    const systemLog = [report.systemLog, reason].filter(Boolean).join('; ');
    if (report.state === 'EXECUTOR_ERROR') return { ...report, systemLog };
    return { ...report, state: 'SYSTEM_ERROR', description: reason, systemLog };
  }

  /** A new host directory for the container paths of one task (executors run in containers). */
  newContainerRoot(): string {
    return join(this.workdir, 'tes', randomUUID());
  }

  /** The files collected for a task (empty until its outputs were collected). */
  readOutputLogs(taskId: string): TesOutputFileLog[] {
    try {
      return JSON.parse(readFileSync(this.outputLogsPath(taskId), 'utf8')) as TesOutputFileLog[];
    } catch {
      return [];
    }
  }

  private writeOutputLogs(taskId: string, logs: TesOutputFileLog[]): void {
    const path = this.outputLogsPath(taskId);
    mkdirSync(join(path, '..'), { recursive: true });
    // Written whole or not at all: a reader never sees half a list.
    writeFileSync(`${path}.tmp`, JSON.stringify(logs));
    renameSync(`${path}.tmp`, path);
  }

  private outputLogsPath(taskId: string): string {
    return join(this.workdir, 'tasks', taskId, OUTPUT_LOGS_FILE);
  }
}
