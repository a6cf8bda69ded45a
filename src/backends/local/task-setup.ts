/** What the local framework knows of a task before it runs: its directories, identity, needs. */
import { mkdir } from 'node:fs/promises';
import type { BackendContext } from '../backend.js';
import type { TaskRecord } from '../../model/task.js';
import { resolveRunAs } from '../run-as.js';
import type { CgroupVersion } from './cgroups.js';
import { canStartDirectly } from './direct-launch.js';
import type { LocalOptions } from './local-jobs.js';
import { makeTaskDirs, taskDirsOf, type TaskDirs } from './task-dirs.js';

export class TaskSetup {
  constructor(
    private readonly context: BackendContext,
    private readonly options: LocalOptions,
    readonly cgroupVersion: CgroupVersion | undefined,
  ) {}

  dirsOf(id: string): TaskDirs {
    return taskDirsOf(this.context.workdir, this.context.stateDir, id);
  }

  identityOf(task: TaskRecord): ReturnType<typeof resolveRunAs> {
    return resolveRunAs(task.spec.user, this.options, this.context.identityPool);
  }

  /** Makes the task's directories, its own one given to the identity it runs as. */
  makeDirs(task: TaskRecord): Promise<void> {
    return makeTaskDirs(this.dirsOf(task.id), this.identityOf(task).identity);
  }

  /** Started by the launcher without a supervisor (direct-launch.ts)? */
  isDirect(task: TaskRecord): boolean {
    const { identity, problem } = this.identityOf(task);
    return !problem && canStartDirectly(task, this.dirsOf(task.id), identity, this.cgroupVersion);
  }

  /** What must exist before a launch: for a direct start the markers alone (the launcher makes the rest). */
  async prepareDirs(task: TaskRecord): Promise<void> {
    if (!this.isDirect(task)) return this.makeDirs(task);
    await mkdir(this.dirsOf(task.id).markersDir, { recursive: true, mode: 0o700 });
  }

  coresOf(task: TaskRecord): number {
    return task.spec.resources.cores ?? this.options.defaultCores;
  }

  memoryOf(task: TaskRecord): number {
    return task.spec.resources.memoryMiB ?? 0;
  }
}
