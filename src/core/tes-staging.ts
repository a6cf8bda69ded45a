/**
 * TES file staging as TaskService hooks, independent of the framework: volumes and inputs before a
 * TES task goes to the framework, outputs after its executors end and before it is marked
 * finished. Every file operation runs as the task's owner (src/core/staging/run-as-owner.ts), so
 * the kernel checks it; the server itself only makes the owner's directories in parents that are
 * its own. The list of collected files is kept in the server's private state
 * (<state>/tasks/<id>/tes-outputs.json) for the TES views. Tasks of other APIs are left alone.
 */
import { randomUUID } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { JobReport } from '../backends/backend.js';
import type { UnixIdentity } from '../backends/run-as.js';
import { makeOwnedDir } from '../backends/local/task-dirs.js';
import { rootsFor } from '../model/allowed-roots.js';
import type { TaskRecord } from '../model/task.js';
import { tesExtra, type TesExtra, type TesOutputFileLog } from '../model/tes-task.js';
import { runAsOwner } from './staging/run-as-owner.js';
import type { StagingJob } from './staging/staging-job.js';
import { DEFAULT_STORAGE, type StorageSettings } from '../storage/storage-settings.js';
import type { TaskHooks } from './task-service.js';

/** Who a task's files are handled as: undefined = as the server itself. */
export type IdentityOf = (owner: string) => { identity?: UnixIdentity; problem?: string };

export interface TesStagingOptions {
  /** The server's work directory; a task's own files live under <workdir>/tasks/<id>. */
  workdir: string;
  /** The server's private directory: the lists of collected outputs live there. */
  stateDir: string;
  /** Host directories every TES path must lie in; empty = the work directory alone. */
  allowedRoots: readonly string[];
  /** The identity each owner's files are handled as (the framework's runAs rules). */
  identityOf?: IdentityOf;
  /** Longest a staging job (all inputs, or all outputs, of a task) may take, ms. */
  deadlineMs?: number;
  log: Logger;
  /** The URL schemes switched on and how S3 is reached; default: all, S3 as the SDK finds it. */
  storage?: StorageSettings;
}

const OUTPUT_LOGS_FILE = 'tes-outputs.json';
/** Default staging deadline: a stalled download must not hold a task for ever. */
export const STAGING_DEADLINE_MS = 60 * 60 * 1000;

export class TesStaging implements TaskHooks {
  /** The allowed roots, absolute and normalised. */
  readonly allowedRoots: readonly string[];
  readonly storage: StorageSettings;
  private readonly workdir: string;
  private readonly stateDir: string;
  private readonly identityOf: IdentityOf;
  private readonly deadlineMs: number;
  private readonly log: Logger;
  /** Owners whose own area (<workdir>/users/<owner>) exists. */
  private readonly areasMade = new Set<string>();

  constructor(options: TesStagingOptions) {
    this.workdir = resolve(options.workdir);
    this.stateDir = resolve(options.stateDir);
    const roots = options.allowedRoots.length > 0 ? options.allowedRoots : [this.workdir];
    this.allowedRoots = roots.map((root) => resolve(root));
    this.identityOf = options.identityOf ?? (() => ({}));
    this.deadlineMs = options.deadlineMs ?? STAGING_DEADLINE_MS;
    this.log = options.log.child({ part: 'tes-staging' });
    this.storage = options.storage ?? DEFAULT_STORAGE;
  }

  /** Only TES tasks have volumes and inputs to stage. */
  prepares(task: TaskRecord): boolean {
    return tesExtra(task.spec) !== undefined;
  }

  /** Creates the volumes and stages the inputs of a TES task, as its owner. */
  async beforeSubmit(task: TaskRecord): Promise<void> {
    const tes = tesExtra(task.spec);
    if (!tes) return;
    const identity = this.identityFor(task.spec.user);
    await this.makeOwnerDirs(task.spec.user, tes, identity);
    const answer = await this.run(
      { op: 'stage', tes, roots: this.rootsOf(task), storage: this.storage },
      identity,
    );
    if (!answer.ok) throw new Error(answer.message);
    if (tes.inputs.length > 0)
      this.log.info({ task: task.id, inputs: tes.inputs.length }, 'inputs staged');
  }

  /** Only a TES task with outputs that ran to its end (and was not being canceled) has some. */
  finishes(task: TaskRecord, report: JobReport): boolean {
    const outputs = tesExtra(task.spec)?.outputs.length ?? 0;
    const ranToEnd = report.state === 'COMPLETE' || report.state === 'EXECUTOR_ERROR';
    return outputs > 0 && ranToEnd && task.state !== 'CANCELING';
  }

  /**
   * Collects the outputs of a TES task that ran to its end, as its owner. Outputs that cannot be
   * collected make a COMPLETE task a SYSTEM_ERROR; after an executor failed they are expected and
   * only logged.
   */
  async beforeFinish(task: TaskRecord, report: JobReport): Promise<JobReport> {
    const tes = tesExtra(task.spec);
    if (!tes || !this.finishes(task, report)) return report;
    const answer = await this.run(
      { op: 'collect', tes, roots: this.rootsOf(task), storage: this.storage },
      this.identityFor(task.spec.user, false),
    );
    const problems = answer.ok ? (answer.problems ?? []) : [answer.message];
    this.writeOutputLogs(task.id, answer.ok ? (answer.logs ?? []) : []);
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
    for (const path of [this.outputLogsPath(taskId), this.legacyOutputLogsPath(taskId)]) {
      try {
        // Only a file of the server's own: an older server kept the list beside the outputs.
        const info = lstatSync(path);
        if (!info.isFile() || info.uid !== process.getuid?.()) continue;
        return JSON.parse(readFileSync(path, 'utf8')) as TesOutputFileLog[];
      } catch {
        // Not there (yet): try the next place.
      }
    }
    return [];
  }

  private identityFor(owner: string, strict = true): UnixIdentity | undefined {
    const { identity, problem } = this.identityOf(owner);
    if (problem && strict) throw new Error(problem);
    if (problem) throw new Error(`outputs not collected: ${problem}`);
    return identity;
  }

  private rootsOf(task: TaskRecord): string[] {
    return rootsFor(task.spec.user, this.allowedRoots);
  }

  /** The owner's own area in the work directory and, in containers, the task's host root. */
  private async makeOwnerDirs(
    owner: string,
    tes: TesExtra,
    identity: UnixIdentity | undefined,
  ): Promise<void> {
    if (!identity) return;
    const area = ownerAreaOf(this.workdir, owner);
    if (area && !this.areasMade.has(owner)) {
      await mkdir(dirname(area), { recursive: true, mode: 0o711 });
      await makeOwnedDir(area, identity);
      this.areasMade.add(owner);
    }
    if (tes.hostRoot !== undefined) {
      await mkdir(dirname(tes.hostRoot), { recursive: true, mode: 0o711 });
      await makeOwnedDir(tes.hostRoot, identity);
    }
  }

  private run(job: StagingJob, identity: UnixIdentity | undefined) {
    return runAsOwner(job, identity, this.deadlineMs);
  }

  private writeOutputLogs(taskId: string, logs: TesOutputFileLog[]): void {
    const path = this.outputLogsPath(taskId);
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    // Written whole or not at all: a reader never sees half a list.
    writeFileSync(`${path}.tmp`, JSON.stringify(logs));
    renameSync(`${path}.tmp`, path);
  }

  private outputLogsPath(taskId: string): string {
    return join(this.stateDir, 'tasks', taskId, OUTPUT_LOGS_FILE);
  }

  private legacyOutputLogsPath(taskId: string): string {
    return join(this.workdir, 'tasks', taskId, OUTPUT_LOGS_FILE);
  }
}

/**
 * <workdir>/users/<owner>: the owner's own directory for TES files, made on its first task. None
 * for an owner whose name is not a plain file name.
 */
export function ownerAreaOf(workdir: string, owner: string): string | undefined {
  if (owner === '.' || owner === '..' || /[/\0]/.test(owner) || owner.length > 255)
    return undefined;
  return join(workdir, 'users', owner);
}
