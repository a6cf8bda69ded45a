/** Bursts of tasks as Grid Engine array jobs (see ../slurm/burst-suite.ts), against a real cell. */
import { burstSuite } from '../slurm/burst-suite.js';
import { requireGridEngine, sge, startGridEngineServer } from './gridengine-helpers.js';

requireGridEngine();

/** True while qstat lists the job (or the array element "42.3"). */
function isActive(jobId: string): boolean {
  const [job, element] = jobId.split('.');
  const out = sge('qstat', ['-u', '*', '-xml']);
  for (const entry of out.split('<job_list').slice(1)) {
    if (new RegExp(`<JB_job_number>${job}</JB_job_number>`).test(entry) === false) continue;
    const tasks = /<tasks>([^<]*)<\/tasks>/.exec(entry)?.[1];
    if (element === undefined || tasks === undefined) return true;
    for (const part of tasks.split(',')) {
      const [range, step = '1'] = part.split(':');
      const [first, last = first] = range!.split('-').map(Number);
      for (let i = first!; i <= last!; i += Number(step)) if (String(i) === element) return true;
    }
  }
  return false;
}

burstSuite({
  name: 'gridengine',
  startServer: (dir) => startGridEngineServer({ dir }),
  jobIdOf: (server, taskId) => server.service.getTask(taskId).jobId,
  arrayIdOf: (jobId) => jobId.split('.')[0]!,
  isActive,
});
