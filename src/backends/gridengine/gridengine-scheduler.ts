/**
 * Grid Engine (SGE, Son of Grid Engine, OGE) as data for the batch engine: qsub/qstat/qacct/qdel
 * command lines, `#$` directives and the parsers of gridengine-parsers.ts. The real binaries are
 * called with SGE_ROOT and SGE_CELL set (Debian's /usr/bin/q* wrappers cost 0.2–0.6 s a call).
 */
import { join } from 'node:path';
import { directiveValue } from '../batch/job-script.js';
import type { CommandResult } from '../batch/run-command.js';
import type { BatchScheduler, SchedulerQueries, JobRequest } from '../batch/scheduler.js';
import {
  parseFoundGridEngineJob,
  parseQacct,
  parseQstatXml,
  parseQsub,
} from './gridengine-parsers.js';

export interface GridEngineSettings {
  /** Queue jobs are submitted to; empty: any queue that fits. */
  queue: string;
  /** Account string (-A); empty: none. */
  account: string;
  /** Parallel environment that gives a job several slots on one host. */
  parallelEnvironment: string;
  /** Directory of qsub, qstat, qacct, qdel. */
  binDir: string;
  sgeRoot: string;
  sgeCell: string;
}

// The client could not reach sge_qmaster (down, restarting): try again later.
const OUTAGE =
  /commlib error|unable to contact qmaster|unable to send message to qmaster|cannot register at qmaster|failed receiving gdi request|Connection refused|got select error|timed? ?out/i;

function textOf(result: CommandResult): string {
  return `${result.stderr}\n${result.stdout}`;
}

/** The Grid Engine scheduler with these settings. */
export function createGridEngineScheduler(settings: GridEngineSettings): BatchScheduler {
  const bin = (name: string): string => (settings.binDir ? join(settings.binDir, name) : name);
  return {
    name: 'gridengine',
    directivePrefix: '#$',
    // An array element's id is JOBID.TASKID (SGE_TASK_ID is "undefined" outside arrays); qacct
    // knows it by the same pair.
    jobIdScript: [
      'if [ "${SGE_TASK_ID:-undefined}" != undefined ]; then jp_job="${JOB_ID}.${SGE_TASK_ID}"; else jp_job="${JOB_ID:-}"; fi',
      'jp_raw="$jp_job"',
    ].join('\n'),
    array: {
      submitCommand: (scriptPath, count) => [bin('qsub'), '-terse', '-t', `1-${count}`, scriptPath],
      elementId: (arrayId, index) => `${arrayId}.${index}`,
      indexVariable: 'SGE_TASK_ID',
      outputPattern: (dir, stream) => join(dir, `$TASK_ID.${stream}`),
    },
    // h_vmem is an address-space rlimit: an allocation over it fails, nothing is killed.
    memoryBy: 'address-space',
    env: { SGE_ROOT: settings.sgeRoot, SGE_CELL: settings.sgeCell },
    directives: (request) => gridEngineDirectives(request, settings),
    submitCommand: (scriptPath) => [bin('qsub'), '-terse', scriptPath],
    parseSubmit: parseQsub,
    ...gridEngineQueries(bin),
  };
}

/** The job script directives of one request (resources, outputs, partition or queue). */
function gridEngineDirectives(request: JobRequest, settings: GridEngineSettings): string[] {
  const slots = request.cores !== undefined ? Math.ceil(request.cores) : 1;
  const lines = [
    `-N ${request.jobName}`,
    `-o ${directiveValue(request.scriptStdout)}`,
    `-e ${directiveValue(request.scriptStderr)}`,
    `-wd ${directiveValue(request.taskDir)}`,
    '-S /bin/sh',
    // Not rerun (it would run the task again); refused at submit if no queue can ever run it.
    '-r n',
    '-w e',
  ];
  if (request.cores !== undefined)
    lines.push(`-pe ${directiveValue(settings.parallelEnvironment)} ${slots}`);
  const limits: string[] = [];
  // h_vmem counts per slot: the task's memory is shared out over its slots.
  if (request.memoryMiB !== undefined)
    limits.push(`h_vmem=${Math.ceil(request.memoryMiB / slots)}M`);
  // The job script's own soft limit (SIGXCPU, named in the outcome) comes first; this is the
  // scheduler's backstop.
  if (request.cputimeSec !== undefined) limits.push(`h_cpu=${Math.ceil(request.cputimeSec) + 2}`);
  if (limits.length > 0) lines.push(`-l ${limits.join(',')}`);
  if (settings.queue) lines.push(`-q ${directiveValue(settings.queue)}`);
  if (settings.account) lines.push(`-A ${directiveValue(settings.account)}`);
  return lines;
}

/** How the engine asks about, cancels and finds jobs, and recognises an outage. */
function gridEngineQueries(bin: (name: string) => string): SchedulerQueries {
  return {
    // qstat cannot list chosen job ids; it lists everyone's, and the engine picks its own.
    queueCommand: () => [bin('qstat'), '-u', '*', '-xml'],
    parseQueue: parseQstatXml,
    queueKnowsNone: () => false,
    // qacct -j takes one job (an array's records come together, one per element).
    accountingCommands: (jobIds) =>
      [...new Set(jobIds.map((id) => id.split('.')[0]!))].map((id) => [bin('qacct'), '-j', id]),
    parseAccounting: parseQacct,
    cancelCommand: (jobIds) => [bin('qdel'), ...jobIds],
    cancelFoundNothing: (result) =>
      result.code !== null &&
      /does not exist|has already been deleted|not found/i.test(textOf(result)),
    findArrayCommands: (jobName) => [
      [bin('qstat'), '-j', jobName],
      [bin('qacct'), '-j', jobName],
    ],
    findCommands: (jobName) => [
      [bin('qstat'), '-j', jobName],
      [bin('qacct'), '-j', jobName],
    ],
    parseFind: (stdout) => parseFoundGridEngineJob(stdout),
    isOutage: (result) => result.timedOut || OUTAGE.test(textOf(result)),
  };
}
