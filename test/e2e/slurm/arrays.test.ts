/** Bursts of tasks as Slurm array jobs (see burst-suite.ts), against a real Slurm. */
import { burstSuite } from './burst-suite.js';
import { requireSlurm, squeueStates, startSlurmServer } from './slurm-helpers.js';

requireSlurm();
const ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED']);

burstSuite({
  name: 'slurm',
  startServer: (dir) => startSlurmServer({ dir }),
  jobIdOf: (server, taskId) => server.service.getTask(taskId).jobId,
  arrayIdOf: (jobId) => jobId.split('_')[0]!,
  isActive: (jobId) => ACTIVE.has(squeueStates([jobId]).get(jobId) ?? 'gone'),
});
