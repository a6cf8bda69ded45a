/**
 * Slurm's job states and what they mean to the batch engine, after squeue(1) "JOB STATE CODES"
 * (Slurm 22.05); sacct(1) "JOB STATE CODES" uses the same names (sacct may add " by UID" to
 * CANCELLED, which the parser strips).
 */
import type { JobMeaning } from '../batch/scheduler.js';

export const SQUEUE_STATES: Readonly<Record<string, JobMeaning>> = {
  BOOT_FAIL: 'node-failure',
  CANCELLED: 'cancelled',
  COMPLETED: 'ended',
  CONFIGURING: 'starting',
  // The script ended but processes of the job may still be ending: not over yet.
  COMPLETING: 'running',
  DEADLINE: 'timeout',
  // Non-zero exit, or the job could not be launched: the markers and the exit code tell which.
  FAILED: 'ended',
  NODE_FAIL: 'node-failure',
  OUT_OF_MEMORY: 'out-of-memory',
  PENDING: 'queued',
  PREEMPTED: 'system-failure',
  RUNNING: 'running',
  RESV_DEL_HOLD: 'queued',
  REQUEUE_FED: 'queued',
  REQUEUE_HOLD: 'queued',
  REQUEUED: 'queued',
  RESIZING: 'running',
  REVOKED: 'system-failure',
  SIGNALING: 'running',
  SPECIAL_EXIT: 'ended',
  STAGE_OUT: 'running',
  STOPPED: 'suspended',
  SUSPENDED: 'suspended',
  TIMEOUT: 'timeout',
};

/** The meaning of a state name as squeue or sacct print it; unknown names count as running. */
export function meaningOfSlurmState(state: string): JobMeaning {
  const name = state.trim().split(/\s+/)[0]!.replace(/\+$/, '');
  return SQUEUE_STATES[name] ?? 'running';
}
