/** The `gridengine` framework's definition: its name, help, options with defaults, and constructor. */
import type { FrameworkDefinition } from '../backend.js';
import {
  BATCH_OPTIONS,
  containerProblems,
  readBatchSettings,
  readText,
} from '../batch/batch-options.js';

export const GRIDENGINE_FRAMEWORK: FrameworkDefinition = {
  name: 'gridengine',
  help:
    'Runs tasks as Grid Engine jobs (SGE, Son of Grid Engine, OGE: qsub, qstat, qacct, qdel). Each ' +
    'task becomes a /bin/sh job script in its task directory under the work directory, which must be ' +
    'on a file system the execution hosts share. cores → a parallel environment (-pe smp N), memory → ' +
    'h_vmem (per slot, an address-space limit), cputime → h_cpu and a CPU-time rlimit in the script; ' +
    'containers run through a container CLI in the script. Jobs are submitted with -w e, so requests ' +
    'no queue can satisfy are refused at submit and end SYSTEM_ERROR with the message. While ' +
    'sge_qmaster cannot be reached, tasks stay QUEUED and submits are retried.',
  options: [
    {
      key: 'queue',
      default: '',
      help: 'queue jobs are submitted to (-q; empty: any queue that fits)',
    },
    { key: 'account', default: '', help: 'account string of jobs (-A; empty: none)' },
    {
      key: 'parallelEnvironment',
      default: 'smp',
      help: 'parallel environment giving a task its cores on one host (-pe NAME N)',
    },
    {
      key: 'binDir',
      default: '/usr/lib/gridengine',
      help: 'directory holding qsub, qstat, qacct and qdel',
    },
    { key: 'sgeRoot', default: '/var/lib/gridengine', help: 'SGE_ROOT of the cell' },
    { key: 'sgeCell', default: 'default', help: 'SGE_CELL of the cell' },
    ...BATCH_OPTIONS,
  ],
  checkOptions: (options, top) => containerProblems('gridengine', options, top.containers),
  async load() {
    const { createBatchBackend } = await import('../batch/batch-backend.js');
    const { createGridEngineScheduler } = await import('./gridengine-scheduler.js');
    return (context) => {
      const scheduler = createGridEngineScheduler({
        queue: readText(context.options, 'queue'),
        account: readText(context.options, 'account'),
        parallelEnvironment: readText(context.options, 'parallelEnvironment', 'smp') || 'smp',
        binDir: readText(context.options, 'binDir', '/usr/lib/gridengine'),
        sgeRoot: readText(context.options, 'sgeRoot', '/var/lib/gridengine'),
        sgeCell: readText(context.options, 'sgeCell', 'default') || 'default',
      });
      const problems = containerProblems(
        'gridengine',
        context.options,
        context.containers ?? 'auto',
      );
      if (problems.length > 0) throw new Error(problems.join('; '));
      const settings = readBatchSettings(context.options, context.containers);
      return createBatchBackend(scheduler, settings, context);
    };
  },
};
