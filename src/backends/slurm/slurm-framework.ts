/** The `slurm` framework's definition: its name, help, options with defaults, and constructor. */
import type { FrameworkDefinition } from '../backend.js';
import {
  BATCH_OPTIONS,
  containerProblems,
  readBatchSettings,
  readText,
} from '../batch/batch-options.js';

export const SLURM_FRAMEWORK: FrameworkDefinition = {
  name: 'slurm',
  help:
    'Runs tasks as Slurm batch jobs (sbatch, squeue, sacct -c, scancel). Each task becomes a /bin/sh ' +
    'job script in its task directory under the work directory, which must be on a file system the ' +
    'compute nodes share. cores → --cpus-per-task, memory → --mem, cputime → a CPU-time rlimit in the ' +
    'script; containers run through a container CLI in the script. Requests the cluster can never ' +
    'satisfy are refused by Slurm at submit (EnforcePartLimits) and end SYSTEM_ERROR with its message. ' +
    'While slurmctld cannot be reached, tasks stay QUEUED and submits are retried.',
  options: [
    {
      key: 'partition',
      default: '',
      help: "partition jobs are submitted to (empty: the cluster's default partition)",
    },
    {
      key: 'account',
      default: '',
      help: "account jobs are charged to (empty: the user's default account)",
    },
    {
      key: 'binDir',
      default: '',
      help: 'directory holding sbatch, squeue, sacct and scancel (empty: found on PATH)',
    },
    ...BATCH_OPTIONS,
  ],
  checkOptions: (options, top) => containerProblems('slurm', options, top.containers),
  async load() {
    const { createBatchBackend } = await import('../batch/batch-backend.js');
    const { createSlurmScheduler } = await import('./slurm-scheduler.js');
    return (context) => {
      const scheduler = createSlurmScheduler({
        partition: readText(context.options, 'partition'),
        account: readText(context.options, 'account'),
        binDir: readText(context.options, 'binDir'),
      });
      const problems = containerProblems('slurm', context.options, context.containers ?? 'auto');
      if (problems.length > 0) throw new Error(problems.join('; '));
      const settings = readBatchSettings(context.options, context.containers);
      return createBatchBackend(scheduler, settings, context);
    };
  },
};
