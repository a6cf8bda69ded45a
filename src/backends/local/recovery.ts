/**
 * After a restart: each unfinished host task is re-attached to (its supervisor or launcher still
 * lives), finished from its markers (it ended while no server ran), or queued again (it never
 * ran). See host-launch.ts recoverLaunch for the claim-once rule.
 */
import type { Logger } from 'pino';
import type { ReportJob } from '../backend.js';
import type { TaskRecord } from '../../model/task.js';
import { findTaskCgroup } from './cgroups.js';
import type { Capacity } from './capacity.js';
import { recoverLaunch, supervisorMarker } from './host-launch.js';
import type { HostJobs } from './host-jobs.js';
import type { RunningJob } from './local-jobs.js';
import type { TaskSetup } from './task-setup.js';

export interface RecoveryDeps {
  setup: TaskSetup;
  capacity: Capacity;
  hostJobs: HostJobs;
  enqueue: (task: TaskRecord, launch: number) => void;
  report: ReportJob;
  log: Logger;
}

/** The job a launch that ran left behind, holding its cores and memory again. */
function jobOf(task: TaskRecord, launch: number, setup: TaskSetup): RunningJob {
  const version = setup.cgroupVersion;
  const cgroup = version ? findTaskCgroup(version, task.id) : undefined;
  const memoryMiB = task.spec.resources.memoryMiB;
  return {
    task,
    pid: -1,
    marker: supervisorMarker(task.id, launch),
    cores: setup.coresOf(task),
    memoryMiB: setup.memoryOf(task),
    cpus: [],
    cgroup,
    memoryBy: memoryMiB === undefined ? 'none' : cgroup?.memoryDir ? 'cgroup' : 'rlimit',
    finished: false,
  };
}

/** Re-attaches to one unfinished task after a restart, or queues it if it never ran. */
export function recoverHostTask(task: TaskRecord, deps: RecoveryDeps): void {
  const found = recoverLaunch(deps.setup.recoveredDirsOf(task.id).markersDir);
  if (found.kind === 'never-ran') return deps.enqueue(task, found.nextLaunch);
  const job = jobOf(task, found.launch, deps.setup);
  job.pid = found.pid ?? -1;
  job.launcher = found.launcher;
  job.launcherStart = found.launcherStart;
  deps.capacity.reserve(job);
  if ((found.pid !== undefined || found.launcher !== undefined) && deps.hostJobs.isAlive(job)) {
    deps.log.info({ task: task.id, pid: found.pid }, 're-attached to a running task');
    deps.report(task.id, { state: 'RUNNING', description: 'running' });
  } else {
    deps.hostJobs.finish(job);
  }
}
