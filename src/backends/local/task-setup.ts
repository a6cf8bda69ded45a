/** What the local framework knows of a task before it runs: its directories, identity, needs. */
import type { BackendContext } from '../backend.js';
import type { TaskRecord } from '../../model/task.js';
import { resolveRunAs } from '../run-as.js';
import type { CgroupVersion } from './cgroups.js';
import { canStartDirectly } from './direct-launch.js';
import type { LocalOptions } from './local-jobs.js';
import { makeTaskDirs, newTaskDirsOf, taskDirsOf, type TaskDirs } from './task-dirs.js';

export class TaskSetup {
  /**
   * Tasks found at recovery with an older server's layout (markers beside the outputs). Only a
   * task that existed before this server started can have it, so only recovery looks (it costs
   * three file lookups, which a task's start and end would otherwise pay several times each).
   */
  private readonly legacyDirs = new Map<string, TaskDirs>();

  constructor(
    private readonly context: BackendContext,
    private readonly options: LocalOptions,
    readonly cgroupVersion: CgroupVersion | undefined,
  ) {}

  dirsOf(id: string): TaskDirs {
    const { workdir, stateDir } = this.context;
    return this.legacyDirs.get(id) ?? newTaskDirsOf(workdir, stateDir, id);
  }

  /** The directories of a task found at recovery, in whichever layout it was started. */
  recoveredDirsOf(id: string): TaskDirs {
    const dirs = taskDirsOf(this.context.workdir, this.context.stateDir, id);
    if (dirs.markersDir === dirs.taskDir) this.legacyDirs.set(id, dirs);
    return dirs;
  }

  /** The task is done with on this server (ended, or gone): nothing of it is kept. */
  forget(id: string): void {
    this.legacyDirs.delete(id);
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
    return this.launchFacts(task).direct;
  }

  /** The task's directories, its identity, and whether it starts directly: each looked up once. */
  private launchFacts(task: TaskRecord) {
    const dirs = this.dirsOf(task.id);
    const { identity, problem } = this.identityOf(task);
    const direct = !problem && canStartDirectly(task, dirs, identity, this.cgroupVersion);
    return { dirs, identity, direct };
  }

  /**
   * What must exist before a supervisor's launch. A direct start needs nothing made here: the
   * launcher makes the task's directories and outputs as it starts it (direct-start.ts), on its
   * own core rather than the server's.
   */
  async prepareDirs(task: TaskRecord): Promise<void> {
    const { dirs, identity, direct } = this.launchFacts(task);
    if (!direct) await makeTaskDirs(dirs, identity);
  }

  coresOf(task: TaskRecord): number {
    return task.spec.resources.cores ?? this.options.defaultCores;
  }

  memoryOf(task: TaskRecord): number {
    return task.spec.resources.memoryMiB ?? 0;
  }
}
