/** The local framework's options and the two shapes a task takes in it: waiting, and holding. */
import type { TaskRecord } from '../../model/task.js';
import type { TaskCgroup } from './cgroups.js';
import type { ContainerOptions } from './docker/container-jobs.js';

/** local.* options (see local-framework.ts for their meaning and defaults). */
export interface LocalOptions extends ContainerOptions {
  cores: number;
  memory: number;
  defaultCores: number;
  paused: boolean;
  killGrace: number;
  cgroups: string;
  uidRange: string;
}

/**
 * A task waiting for cores and memory: what deciding needs (about 150 bytes), the launch it will
 * be and its directory's making. The whole record is held only near the head of the queue
 * (task-queue.ts): a queue of a million costs ids, not specs.
 */
export interface QueuedTask {
  id: string;
  seq: number;
  cores: number;
  memoryMiB: number;
  launch: number;
  task?: TaskRecord;
  /** The making of its supervisor's directories, once begun (prepareAhead). */
  dirReady?: Promise<void>;
}

/** A queued task with its record at hand, ready to start. */
export type StartingTask = QueuedTask & { task: TaskRecord };

/** A task holding cores and memory, with its supervisor (child only if we spawned it). */
export interface RunningJob {
  task: TaskRecord;
  /** The supervisor's pid; -1 until it has started. */
  pid: number;
  /** The supervisor's $0 (host-launch.ts supervisorMarker), to know it after a restart. */
  marker: string;
  /** Settles once the supervisor was spawned (or failed to be). */
  starting?: Promise<void>;
  cores: number;
  memoryMiB: number;
  cpus: number[];
  cgroup?: TaskCgroup;
  memoryBy: 'cgroup' | 'rlimit' | 'none';
  finished: boolean;
  /** Started directly (direct-start.ts): the pid of the launcher that reaps it. */
  launcher?: number;
  /** That launcher's start time (process-probe.ts), so a reuse of its pid is not taken for it. */
  launcherStart?: number;
  /** Runs in containers (./docker/): no supervisor process of ours. */
  inContainers?: boolean;
  /** Meant for the launcher's direct path (its end may start the launcher's successor). */
  direct?: boolean;
}
